/* Progressive enhancement only: every page works without this file.
 * Keeps a mega-menu panel inside the window when its item sits near the
 * right edge. */
(function () {
  "use strict";
  function place(li) {
    var sub = li.querySelector(".mega-sub");
    if (!sub) return;
    li.classList.remove("flip");
    if (sub.getBoundingClientRect().right > document.documentElement.clientWidth - 8)
      li.classList.add("flip");
  }
  document.querySelectorAll(".mega-top > li.has-sub").forEach(function (li) {
    li.addEventListener("mouseenter", function () { place(li); });
    li.addEventListener("focusin", function () { place(li); });
  });
})();
