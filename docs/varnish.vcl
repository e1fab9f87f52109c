# docs/varnish.vcl — Varnish 7 (Debian 12's varnish and varnish-modules)
# in front of the masthead instances of docs/deploy.md.
#
# masthead says what Varnish may keep: an anonymous page it has cached
# itself comes with "Cache-Control: public, max-age=0, s-maxage=N" and its
# cache tags in "xkey".  After every write each instance sends
# "PURGE /" with "xkey-purge: tag1 tag2 ..." (or "*" for everything),
# and the pages carrying any of those tags are gone at once.  Anything
# else masthead sends (signed-in pages, forms, errors, redirects) is not
# kept.  tools/varnish-check runs this file as committed, with only the
# backends' ports changed.
vcl 4.1;

import directors;
import xkey;

# The masthead instances (masthead serve --listen ...).
backend m1 { .host = "127.0.0.1"; .port = "8081"; }
backend m2 { .host = "127.0.0.1"; .port = "8082"; }
backend m3 { .host = "127.0.0.1"; .port = "8083"; }

# Who may purge: the instances' addresses, nobody else.
acl purgers {
	"127.0.0.1";
	"::1";
}

sub vcl_init {
	new site = directors.round_robin();
	site.add_backend(m1);
	site.add_backend(m2);
	site.add_backend(m3);
}

sub vcl_recv {
	set req.backend_hint = site.backend();

	if (req.method == "PURGE") {
		if (client.ip !~ purgers) {
			return (synth(403, "Forbidden"));
		}
		if (!req.http.xkey-purge) {
			return (synth(400, "No xkey-purge header"));
		}
		if (req.http.xkey-purge == "*") {
			ban("obj.status != 0");
			return (synth(200, "Banned everything"));
		}
		set req.http.x-purged = xkey.purge(req.http.xkey-purge);
		return (synth(200, "Purged " + req.http.x-purged));
	}
	if (req.method != "GET" && req.method != "HEAD") {
		return (pass);
	}
	# A signed-in reader's page is their own, and the comment view a
	# reader chose (mh_cview) changes the article page: those go to
	# masthead with their cookies.  Any other cookie changes nothing
	# masthead sends, so it is dropped and the page can be shared.
	if (req.http.Authorization ||
	    req.http.Cookie ~ "(^|;\s*)(mh_session|mh_cview)=") {
		return (pass);
	}
	unset req.http.Cookie;

	# masthead keeps each page as identity, gzip and brotli.  Varnish
	# would ask for gzip only; keep the coding the client takes, in
	# masthead's order (brotli first, "q=0" refuses), and one object
	# per coding.
	if (req.http.Accept-Encoding ~ "(?i)(^|,)\s*br\s*(,|$|;\s*q=(1|0?\.0*[1-9]))") {
		set req.http.x-coding = "br";
	} elsif (req.http.Accept-Encoding ~ "(?i)(^|,)\s*(x-)?gzip\s*(,|$|;\s*q=(1|0?\.0*[1-9]))") {
		set req.http.x-coding = "gzip";
	} else {
		set req.http.x-coding = "identity";
	}
	return (hash);
}

sub vcl_hash {
	hash_data(req.http.x-coding);
}

sub vcl_backend_fetch {
	if (bereq.http.x-coding == "br" || bereq.http.x-coding == "gzip") {
		set bereq.http.Accept-Encoding = bereq.http.x-coding;
	} elsif (bereq.http.x-coding) {
		unset bereq.http.Accept-Encoding;
	}
	unset bereq.http.x-coding;
}

sub vcl_backend_response {
	# Only what masthead says a shared cache may keep, for as long as
	# it says (s-maxage: until a purge, or the page's next scheduled
	# change).  No grace: an expired page is never served.
	if (beresp.http.Cache-Control !~ "s-maxage" || beresp.http.Set-Cookie) {
		set beresp.uncacheable = true;
		set beresp.ttl = 120s;
		return (deliver);
	}
	set beresp.grace = 0s;
	# masthead compresses; Varnish must not undo or redo it.
	set beresp.do_gzip = false;
	set beresp.do_gunzip = false;
	return (deliver);
}

sub vcl_deliver {
	# The tags are for Varnish; s-maxage is for Varnish alone (a cache
	# further out is not purged).  Readers get what masthead sends
	# without Varnish.
	unset resp.http.xkey;
	if (resp.http.Cache-Control ~ "s-maxage") {
		set resp.http.Cache-Control = "public, no-cache";
	}
}
