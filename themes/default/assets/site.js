/* Progressive enhancement only: every page works without this file.
 * Brings the mega-menu's panels from /sections, keeps a panel inside the
 * window when its item sits near the right edge, and opens the
 * small-screen menu as a panel. */
(function () {
  "use strict";
  function place(li) {
    var sub = li.querySelector(".mega-sub");
    if (!sub) return;
    li.classList.remove("flip");
    if (sub.getBoundingClientRect().right > document.documentElement.clientWidth - 8)
      li.classList.add("flip");
  }
  /* The small-screen menu: a real button that says whether the panel is
   * open, closed again by its Close button, by Escape or by a click
   * outside it; focus goes back to the Menu button. */
  var button = document.querySelector(".nav-button");
  var menu = document.getElementById("site-menu");
  var close = menu ? menu.querySelector(".nav-close") : null;
  /* Pages carry the menu's top row; the panels are on /sections (where a
   * reader without JavaScript finds them too).  They are fetched once,
   * when the reader first points at or into the menu or opens it on a
   * small screen, and each goes under its item. */
  var asked = false;
  function panels() {
    if (asked || !menu || !window.fetch) return;
    asked = true;
    fetch("/sections", { credentials: "omit" }).then(function (res) {
      return res.ok ? res.text() : "";
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      menu.querySelectorAll("li[data-menu]").forEach(function (li) {
        var item = doc.getElementById("menu-" + li.getAttribute("data-menu"));
        var sub = item ? item.querySelector(".mega-sub") : null;
        if (!sub || li.querySelector(".mega-sub")) return;
        li.appendChild(document.importNode(sub, true));
        if (li.matches(":hover, :focus-within")) place(li);
      });
    }).catch(function () { asked = false; });
  }
  if (menu) {
    menu.addEventListener("pointerover", panels);
    menu.addEventListener("focusin", panels);
  }
  function toggle(open, refocus) {
    if (open) panels();
    menu.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open && close) close.focus();
    else if (refocus) button.focus();
  }
  if (button && menu) {
    document.documentElement.classList.add("js");
    button.hidden = false;
    if (close) close.hidden = false;
    button.addEventListener("click", function () {
      toggle(button.getAttribute("aria-expanded") !== "true", false);
    });
    if (close) close.addEventListener("click", function () { toggle(false, true); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && menu.classList.contains("open")) toggle(false, true);
    });
    document.addEventListener("click", function (e) {
      if (menu.classList.contains("open") && !menu.contains(e.target) && e.target !== button)
        toggle(false, false);
    });
  }
  /* A webinar's time is printed in the site's zone; a reader elsewhere
   * also sees it in their own, e.g. "(5:00 PM CET your time)". */
  /* One formatter for all of them: toLocaleString() with options builds
   * a new one per call, which made this loop the page's longest task on
   * a slow phone (Lighthouse's total blocking time). */
  var here, local = null;
  try { here = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { here = ""; }
  document.querySelectorAll("time[data-zone]").forEach(function (t) {
    var d = new Date(t.getAttribute("datetime"));
    if (!here || here === t.getAttribute("data-zone") || isNaN(d)) return;
    if (!local) local = new Intl.DateTimeFormat([], { weekday: "short", hour: "numeric",
      minute: "2-digit", timeZoneName: "short" });
    var s = document.createElement("span");
    s.className = "local-time";
    s.textContent = " (" + local.format(d) + " your time)";
    t.after(s);
  });
  document.querySelectorAll(".mega-top > li.has-sub").forEach(function (li) {
    li.addEventListener("mouseenter", function () { place(li); });
    li.addEventListener("focusin", function () { place(li); });
  });
  /* The article page is the same for everyone; the account bar (the
   * reader's own part of it) carries the reader's account number and the
   * session's form token.  Their own comments get Edit (during the ten
   * minutes the server allows) and Delete, as on the composer page; the
   * server checks both again. */
  var me = document.querySelector(".signed-in[data-me]");
  var token = document.querySelector(".signout input[name=csrf]");
  if (me && token) {
    document.querySelectorAll('li.comment[data-by="' + me.getAttribute("data-me") + '"]').forEach(function (li) {
      var id = li.getAttribute("data-id"), bar = li.querySelector(".comment-actions");
      var t = li.querySelector(".comment-meta time");
      if (!bar || !/^[0-9]+$/.test(id || "")) return;
      if (t && Date.now() - new Date(t.getAttribute("datetime")).getTime() < 600000) {
        var edit = document.createElement("a");
        edit.href = "/comments/" + id + "/edit";
        edit.rel = "nofollow";
        edit.textContent = "Edit";
        bar.append(" ", edit);
      }
      var form = document.createElement("form"), input = document.createElement("input");
      var button = document.createElement("button");
      form.method = "post";
      form.action = "/comments/" + id + "/delete";
      form.className = "inline-form";
      input.type = "hidden";
      input.name = "csrf";
      input.value = token.value;
      button.type = "submit";
      button.textContent = "Delete";
      form.append(input, button);
      bar.append(" ", form);
    });
  }
})();
/* Time on page (docs/analytics.md): the seconds the home page, a section
 * or a story was visible, sent once as the reader leaves it.  No cookie,
 * no identifier: the server adds the seconds to the page's day. */
(function () {
  "use strict";
  var path = location.pathname;
  if (!navigator.sendBeacon || !/^\/(article\/|section\/)?[a-z0-9-]*$/.test(path)) return;
  var shown = 0, since = document.hidden ? 0 : Date.now(), sent = false;
  function pause() {
    if (since) shown += Date.now() - since;
    since = 0;
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) pause(); else since = Date.now();
  });
  addEventListener("pagehide", function () {
    pause();
    if (sent || shown < 1000) return;
    sent = true;
    navigator.sendBeacon("/api/v1/beacon", new URLSearchParams({
      p: path, s: String(Math.round(shown / 1000)) }));
  });
})();
