/* The editor's media library.  Without this file the hero field takes an
 * image's code typed or pasted, and /admin/media uploads.  With it:
 * "Choose image" beside the hero field and "Insert image" beside the body
 * open the library in a dialog (search, more pages, upload by button or
 * by dropping a file on it); a chosen hero fills the field and shows a
 * preview; an inserted image goes into the body as Markdown at the
 * cursor.  A file dropped on the body, or an image pasted into it, is
 * uploaded and inserted there.  Everything goes through /admin/media.json
 * with the session's cookie and the form's CSRF token. */
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form) return;
  var csrf = form.querySelector("input[name=csrf]").value;
  var hero = form.querySelector("input[name=hero_image]");
  var body = document.getElementById("f-body");
  var dialog = null, grid, status, search, more, target = null, page = 1;

  function el(tag, props, kids) {
    var e = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === "text") e.textContent = props[k];
      else e.setAttribute(k, props[k]);
    });
    (kids || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }

  /* In the dialog when it is open, else beside the body's button. */
  function say(text) {
    var out = dialog && dialog.open ? status : document.getElementById("media-status");
    if (out) out.textContent = text;
  }

  /* The Markdown of an image; brackets in its alt text would end it early. */
  function markdown(im) {
    if (im.markdown) return im.markdown;
    return "![" + (im.alt || "").replace(/[\[\]\n]/g, "") + "](" + im.src + ")";
  }

  function thumb(im) {
    if (im.thumb) return im.thumb;
    var w = im.widths && im.widths.length ? im.widths[0] : 0;
    return w ? im.src.replace(/\.([a-z]+)$/, "-" + w + ".$1") : im.src;
  }

  /* Puts text into the body at the cursor (replacing a selection), as a
   * paragraph of its own (blank lines around it, or Markdown would run
   * it into the text beside it), and tells the other scripts the body
   * changed. */
  function insert(text) {
    var s = body.selectionStart, e = body.selectionEnd, v = body.value;
    var before = v.slice(0, s), after = v.slice(e);
    if (before && !/\n\n$/.test(before)) text = (/\n$/.test(before) ? "\n" : "\n\n") + text;
    if (after && !/^\n\n/.test(after)) text = text + (/^\n/.test(after) ? "\n" : "\n\n");
    body.value = before + text + after;
    body.selectionStart = body.selectionEnd = before.length + text.length;
    body.focus();
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function setHero(im) {
    hero.value = im.hash;
    var prev = form.querySelector("img.hero-thumb");
    if (!prev) {
      prev = el("img", { "class": "hero-thumb", alt: "" });
      hero.closest("label").parentNode.insertBefore(prev, hero.closest("label"));
    }
    prev.src = thumb(im);
    prev.alt = im.alt || "";
    hero.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function use(im) {
    if (target === "hero") setHero(im);
    else insert(markdown(im));
    if (dialog && dialog.open) dialog.close();
  }

  function tile(im) {
    var b = el("button", { type: "button", "class": "media-pick",
      "data-hash": im.hash, title: im.alt || im.filename || im.hash }, [
      el("img", { src: thumb(im), alt: im.alt || "", loading: "lazy",
        width: String(im.width), height: String(im.height) }),
      el("span", { "class": "hint", text: im.width + "×" + im.height +
        (im.size ? " · " + im.size : "") })
    ]);
    b.addEventListener("click", function () { use(im); });
    return el("li", { "class": "media-item" }, [b]);
  }

  function load(reset) {
    if (reset) { page = 1; grid.textContent = ""; }
    say("Loading…");
    var q = new URLSearchParams({ q: search.value, page: String(page) });
    fetch("/admin/media.json?" + q, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (j) {
        j.images.forEach(function (im) { grid.appendChild(tile(im)); });
        more.hidden = !j.more;
        say(grid.children.length ? "" : "No image matches.");
      })
      .catch(function () { say("The library cannot be read; try again."); });
  }

  /* Uploads one file; then() gets the stored image. */
  function upload(file, then) {
    var data = new FormData();
    data.set("csrf", csrf);
    data.set("file", file, file.name || "pasted.png");
    var alt = dialog && dialog.open ? dialog.querySelector("input[name=alt]") : null;
    if (alt && alt.value) data.set("alt", alt.value);
    say("Uploading " + (file.name || "the image") + "…");
    fetch("/admin/media.json", { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) {
        return r.json().catch(function () { return { error: "error " + r.status }; });
      })
      .then(function (j) {
        if (!j.image) { say("Not uploaded: " + j.error); return; }
        say("Uploaded.");
        then(j.image);
      })
      .catch(function () { say("Not uploaded: the server cannot be reached."); });
  }

  function firstImage(list) {
    for (var i = 0; list && i < list.length; i++)
      if (/^image\//.test(list[i].type)) return list[i];
    return null;
  }

  function build() {
    search = el("input", { type: "search", name: "q", "aria-label": "Search images",
      placeholder: "alt text, caption, credit or file name" });
    var file = el("input", { type: "file", accept: "image/jpeg,image/png,image/webp,image/gif",
      "aria-label": "Upload an image" });
    grid = el("ul", { "class": "media-grid" });
    status = el("p", { "class": "hint", role: "status", "aria-live": "polite" });
    more = el("button", { type: "button", text: "More images" });
    var close = el("button", { type: "button", text: "Close" });
    dialog = el("dialog", { "class": "media-dialog", "aria-label": "Media library" }, [
      el("div", { "class": "admin-head" }, [el("h2", { text: "Media library" }), close]),
      el("form", { method: "dialog", "class": "media-search", role: "search" }, [search,
        el("button", { type: "submit", text: "Search" })]),
      el("p", {}, [el("label", { text: "Upload a new image " }, [file]),
        el("label", { text: " Alt text " }, [el("input", { type: "text", name: "alt",
          maxlength: "500" })])]),
      el("p", { "class": "hint", text: "Or drop an image file here." }),
      status, grid, more
    ]);
    document.body.appendChild(dialog);
    dialog.querySelector("form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      load(true);
    });
    more.addEventListener("click", function () { page++; load(false); });
    close.addEventListener("click", function () { dialog.close(); });
    file.addEventListener("change", function () {
      if (file.files.length) upload(file.files[0], use);
      file.value = "";
    });
    dialog.addEventListener("dragover", function (ev) {
      ev.preventDefault();
      dialog.classList.add("media-drop");
    });
    dialog.addEventListener("dragleave", function () { dialog.classList.remove("media-drop"); });
    dialog.addEventListener("drop", function (ev) {
      ev.preventDefault();
      dialog.classList.remove("media-drop");
      var f = firstImage(ev.dataTransfer.files);
      if (f) upload(f, use);
    });
  }

  function open(which) {
    target = which;
    if (!dialog) build();
    dialog.showModal();
    load(true);
    search.focus();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-media-picker]"), function (b) {
    var which = b.getAttribute("data-media-picker");
    if ((which === "hero" && !hero) || (which === "body" && !body)) return;
    b.hidden = false;
    b.addEventListener("click", function () { open(which); });
  });

  /* A file dropped on the body, or an image pasted into it, goes in at
   * the cursor once it is stored. */
  if (body) {
    body.addEventListener("dragover", function (ev) {
      if (ev.dataTransfer && Array.prototype.some.call(ev.dataTransfer.items || [],
        function (i) { return i.kind === "file"; })) ev.preventDefault();
    });
    /* The first image of files, uploaded and inserted; the browser's
     * own handling (a file's path typed in, say) is stopped. */
    var into = function (ev, files) {
      var f = firstImage(files);
      if (!f) return;
      ev.preventDefault();
      target = "body";
      upload(f, function (im) { insert(markdown(im)); });
    };
    body.addEventListener("drop", function (ev) {
      into(ev, ev.dataTransfer && ev.dataTransfer.files);
    });
    body.addEventListener("paste", function (ev) {
      into(ev, ev.clipboardData && ev.clipboardData.files);
    });
  }
}());
