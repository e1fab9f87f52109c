/* The newsroom works without this file.  It adds a live preview of the
 * Markdown body (rendered by the server, as the article page renders it),
 * fills the slug from the title of a new story, keeps the word count,
 * reading time and address (which the server fills first) up to date,
 * says when a change is not saved yet, and autosaves while the writer
 * types. */
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form) return;
  var body = document.getElementById("f-body");
  var out = document.getElementById("md-preview");
  var raw = document.getElementById("f-raw");
  var csrf = form.querySelector("input[name=csrf]").value;
  var timer = null, last = null;
  /* The server answers HTML that passed the same allow-list as a saved
   * story, so it is as safe here as on the article page. */
  function preview() {
    var mode = raw && raw.checked ? "1" : "0";
    if (body.value + mode === last) return;
    last = body.value + mode;
    var data = new URLSearchParams();
    data.set("csrf", csrf);
    data.set("body_md", body.value);
    data.set("raw_html", mode);
    fetch("/admin/preview", { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { out.innerHTML = html; out.hidden = false; })
      .catch(function () { out.hidden = true; });
  }
  if (body && out) {
    body.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(preview, 300);
    });
    if (raw) raw.addEventListener("change", preview);
    preview();
  }
  var title = document.getElementById("f-title");
  var slug = document.getElementById("f-slug");
  var url = document.getElementById("f-url");
  /* The full address follows the slug, typed or made from the title. */
  function address() {
    if (slug && url) url.textContent = url.getAttribute("data-base") + slug.value;
  }
  if (slug) slug.addEventListener("input", address);
  if (title && slug && slug.value === "") {
    var touched = false;
    slug.addEventListener("input", function () { touched = true; });
    title.addEventListener("input", function () {
      if (touched) return;
      slug.value = title.value.toLowerCase().replace(/'/g, "")
        .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80);
      address();
    });
  }
  /* The previews of a search result and a share card follow the title,
   * dek, slug and the SEO fields, with the page's own fallbacks: the
   * title and the site's name, the dek, the site's tagline. */
  var seo = document.getElementById("seo-preview");
  if (seo && title) {
    var form = title.form;
    var field = function (n) { var f = form.elements[n]; return f ? f.value.trim() : ""; };
    var show = function () {
      var desc = field("seo_description") || field("dek") || seo.getAttribute("data-tagline");
      var site = seo.getAttribute("data-site");
      document.getElementById("serp-title").textContent = field("seo_title") ||
        (field("title") ? field("title") + " | " + site : site);
      document.getElementById("card-title").textContent = field("seo_title") || field("title");
      document.getElementById("serp-desc").textContent = desc;
      document.getElementById("card-desc").textContent = desc;
      if (url) document.getElementById("serp-url").textContent = url.textContent;
      /* A hero chosen in the library shows on the card, unless the
       * social image is set. */
      var thumb = form.querySelector("img.hero-thumb");
      var card = seo.querySelector(".card-img");
      if (thumb && !field("seo_image") && (!card || card.src !== thumb.src)) {
        if (!card) {
          card = document.createElement("img");
          card.className = "card-img";
          card.alt = "";
          seo.querySelector(".share-card").insertBefore(card,
            seo.querySelector(".share-card").firstChild);
        }
        card.src = thumb.src;
      }
    };
    form.addEventListener("input", show);
  }
  /* The word count and reading time (230 words a minute) follow the body. */
  var words = document.getElementById("f-words");
  var minutes = document.getElementById("f-minutes");
  if (body && words && minutes) {
    body.addEventListener("input", function () {
      var n = (body.value.match(/[^ \t\r\n]+/g) || []).length;
      words.textContent = n;
      minutes.textContent = Math.ceil(n / 230);
    });
  }
  /* A change not yet saved says so, and leaving the page then asks. */
  var state = document.getElementById("save-state");
  var dirty = form.getAttribute("data-dirty") === "1";
  function say(text) { if (state) state.textContent = text; }
  /*
   * Autosave: 3 s after the last keystroke, and at least every 15 s
   * while typing goes on, the form goes to the server as the writer's
   * autosave, never as the story; the first one of a new story makes it
   * a draft, and the page moves to it.
   */
  var autoUrl = form.getAttribute("data-autosave");
  var quiet = null, since = 0, busy = false, again = false, held = null;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function autosave() {
    clearTimeout(quiet);
    quiet = null;
    if (!autoUrl || !dirty) return;
    if (busy) { again = true; return; }
    busy = true;
    since = 0;
    say("Saving\u2026");
    var data = new URLSearchParams(new FormData(form));
    data.delete("then");
    fetch(autoUrl, { method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" } })
      .then(function (r) {
        return r.json().catch(function () { return { error: "Not saved (" + r.status + ")." }; })
          .then(function (j) { if (!r.ok && !j.error) j.error = "Not saved (" + r.status + ")."; return j; });
      })
      .then(function (j) {
        busy = false;
        if (held) return resubmit(j);
        if (j.error) { say(/^Not saved/.test(j.error) ? j.error : "Not saved: " + j.error); return; }
        if (j.created) {
          /* The new story is a draft now: the form and the address follow it. */
          form.action = j.url;
          autoUrl = j.url + "/autosave";
          form.setAttribute("data-autosave", autoUrl);
          history.replaceState(null, "", j.url);
          /* It is a draft now, as the page reloaded would say. */
          var h1 = document.querySelector(".admin-head h1");
          var st = document.querySelector(".admin-head .state");
          if (h1) h1.textContent = "Edit story";
          if (st) { st.textContent = "draft"; st.className = "state state-draft"; }
        }
        if (!again) dirty = false;
        say("Saved at " + (j.time || pad(new Date().getHours()) + ":" + pad(new Date().getMinutes())));
        if (again) { again = false; autosave(); }
      })
      .catch(function () {
        busy = false;
        if (held) return resubmit({});
        say("Offline: not saved");
      });
  }
  /*
   * A button pressed while an autosave is on its way waits for it: the
   * first autosave of a new story makes the draft the form must then go
   * to, or the story would be made twice.
   */
  function resubmit(j) {
    var b = held;
    held = null;
    if (j.created) form.action = j.url;
    dirty = false;
    if (form.requestSubmit) form.requestSubmit(b && b.form === form ? b : undefined);
    else form.submit();
  }
  function changed() {
    dirty = true;
    say("Unsaved changes");
    if (!autoUrl) return;
    if (!since) since = Date.now();
    clearTimeout(quiet);
    quiet = setTimeout(autosave, Date.now() - since >= 12000 ? 0 : 3000);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (e) {
    clearTimeout(quiet);
    if (busy) {
      e.preventDefault();
      held = e.submitter || null;
      return;
    }
    dirty = false;
  });
  window.addEventListener("beforeunload", function (e) {
    if (!dirty) return;
    e.preventDefault();
    e.returnValue = "";
  });
})();

/* Delete buttons ask first; without this file they delete at once. */
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button.danger");
    if (b && !window.confirm("Delete it for good?")) e.preventDefault();
  });
})();

/* A button with data-confirm asks before it acts; saying yes ticks the
 * box the server requires (data-confirm-box), which without this file
 * the editor ticks by hand. */
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button[data-confirm]");
    if (!b) return;
    if (!window.confirm(b.getAttribute("data-confirm"))) {
      e.preventDefault();
      return;
    }
    var box = document.getElementById(b.getAttribute("data-confirm-box"));
    if (box) box.checked = true;
  });
})();

/* /admin/import: the file is sent as it is (PUT, the options as
 * X-Import-* headers), then the run's page is opened; that page asks
 * for the run's progress every second and shows the report when it
 * ends.  Without this file the form posts and the page refreshes
 * itself. */
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (form && window.fetch) {
    form.addEventListener("submit", function (e) {
      var file = document.getElementById("import-file").files[0];
      if (!file) return;
      e.preventDefault();
      var f = form.elements, h = {
        "Content-Type": /\.json$/i.test(file.name) ? "application/json" :
          "application/xml",
        "Accept": "application/json",
        "X-CSRF-Token": f.csrf.value,
        "X-Import-Filename": file.name.replace(/[^\x20-\x7e]/g, ""),
        "X-Import-Media-From": f.media_from.value
      };
      ["dry_run", "accounts", "members"].forEach(function (k) {
        if (f[k].checked) h["X-Import-" + k.replace("_", "-")] = "1";
      });
      var said = document.getElementById("import-sent");
      said.textContent = "Uploading…";
      fetch("/admin/import", { method: "PUT", headers: h, body: file,
        credentials: "same-origin" }).then(function (r) {
        return r.json().then(function (j) {
          if (r.ok) window.location.href = j.status_url;
          else said.textContent = j.error.message;
        });
      }).catch(function () { said.textContent = "The upload failed."; });
    });
  }
  var run = document.getElementById("import-run");
  if (!run || !run.getAttribute("data-running") || !window.fetch) return;
  var poll = function () {
    fetch(run.getAttribute("data-status-url"), { credentials: "same-origin",
      headers: { "Accept": "application/json" } }).then(function (r) {
      return r.json();
    }).then(function (j) {
      if (!j.running) { window.location.reload(); return; }
      document.getElementById("import-status").textContent = j.status;
      var p = j.progress, el = document.getElementById("import-progress");
      if (p && el) el.textContent = p.items + " items read, " +
        p.items_per_second + " items/s, " + p.percent + "% of the file, about " +
        p.eta_seconds + " s left.";
      window.setTimeout(poll, 1000);
    }).catch(function () { window.setTimeout(poll, 3000); });
  };
  window.setTimeout(poll, 1000);
})();
