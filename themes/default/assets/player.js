/* A story's player (docs/media.md).  A YouTube or Vimeo video is a
 * picture and a button until the reader presses it: only then does the
 * page ask the video's host for anything, by putting its player in an
 * <iframe>.  A chapter's link seeks the story's <audio> or <video>, or
 * starts the embedded player at that time.  Without this file the
 * picture links to the video's page and chapters are a plain list. */
(function () {
  "use strict";
  var embed = document.querySelector(".video-embed[data-embed-src]");
  var button = embed && embed.querySelector(".embed-play");

  function play(start) {
    var src = embed.getAttribute("data-embed-src");
    var frame = document.createElement("iframe");
    var box = embed.querySelector(".embed-frame");
    if (start > 0) src += (src.indexOf("?") < 0 ? "?" : "&") + "start=" + start;
    frame.src = src;
    frame.title = "Video player";
    frame.setAttribute("allow", "autoplay; encrypted-media; fullscreen; picture-in-picture");
    frame.setAttribute("allowfullscreen", "");
    frame.className = "embed-player";
    box.textContent = "";
    box.appendChild(frame);
  }

  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () { play(0); });
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[data-seek]") : null;
    if (!a) return;
    var t = parseInt(a.getAttribute("data-seek"), 10) || 0;
    var media = document.querySelector(".media-player audio, .media-player video");
    if (media) {
      e.preventDefault();
      media.currentTime = t;
      /* A browser may refuse to play (no sound allowed yet, a file it
       * cannot read): the player stays where the reader can press it. */
      var started = media.play();
      if (started && started.catch) started.catch(function () {});
    } else if (embed) {
      e.preventDefault();
      play(t);
      embed.scrollIntoView({ block: "center" });
    }
  });
})();
