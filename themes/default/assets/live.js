/*
 * live.js — keeps a show's live blog fresh without a reload: every few
 * seconds it asks /shows/<slug>/live for the newest posts and shows them,
 * newest first.  Without JavaScript the page is the same list, as it was
 * when it was served.
 */
(function () {
	"use strict";
	var list = document.getElementById("live-posts");
	if (!list || !window.fetch)
		return;
	var url = list.getAttribute("data-live");
	var every = Math.max(5, parseInt(list.getAttribute("data-poll"), 10) || 15);

	function item(p) {
		var li = document.createElement("li"), meta = document.createElement("p");
		var t = document.createElement("time"), body = document.createElement("div");
		li.className = "live-post";
		li.id = "post-" + p.id;
		meta.className = "live-time";
		t.setAttribute("datetime", p.time_iso);
		t.title = p.time_long;
		t.textContent = p.time;
		meta.appendChild(t);
		if (p.author_name)
			meta.appendChild(document.createTextNode(" · " + p.author_name));
		if (p.edited)
			meta.appendChild(document.createTextNode(" · updated"));
		body.className = "body";
		/* The newsroom's Markdown, rendered and sanitized by the server. */
		body.innerHTML = p.body_html;
		li.appendChild(meta);
		li.appendChild(body);
		return li;
	}

	function poll() {
		fetch(url, { headers: { "Accept": "application/json" } })
			.then(function (r) { return r.ok ? r.json() : null; })
			.then(function (d) {
				if (!d || !d.posts)
					return;
				var frag = document.createDocumentFragment();
				d.posts.forEach(function (p) { frag.appendChild(item(p)); });
				if (d.posts.length === 0) {
					var none = document.createElement("li");
					none.className = "live-post live-empty";
					none.textContent = "No posts yet.";
					frag.appendChild(none);
				}
				list.textContent = "";
				list.appendChild(frag);
			})
			.catch(function () {})
			.then(function () { setTimeout(poll, every * 1000); });
	}
	setTimeout(poll, every * 1000);
})();
