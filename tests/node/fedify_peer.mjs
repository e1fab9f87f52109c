// A fediverse server for tests/http/test_fedify.py, made with Fedify
// (@fedify/fedify, an ActivityPub server framework): one actor, bob, on
// a free loopback port.  Fedify answers its actor document and its
// inboxes, verifies the HTTP Signature of every activity delivered to
// them (fetching the signer's key) before a listener sees it, and signs
// what it sends with bob's key.
//
// It prints one line, {"port": N}, once it listens.  The test drives it
// through a few routes of its own under /_peer/ (JSON in, JSON out):
//   GET  /_peer/received        the activities Fedify verified, in order
//   GET  /_peer/lookup?url=U    what Fedify makes of the object at U
//   POST /_peer/follow          {"object": U}: bob follows the actor U
//   POST /_peer/reply           {"to": U, "inReplyTo": A, "content": H}:
//                               bob sends a Create(Note) to actor U
//   POST /_peer/follow-badkey   as follow, signed with a key that is not
//                               bob's, under bob's key id
// A send answers {"sent": true} or {"error": why}.
import http from "node:http";
import { webcrypto } from "node:crypto";

import {
  Accept, Article, Create, Delete, Endpoints, Follow, MemoryKvStore, Note,
  Person, Update, createFederation, isActor,
} from "@fedify/fedify";

// Debian 12's Node 18 has Web Crypto without the global CryptoKey class
// Fedify's vocabulary checks keys against (Node 20 has both).
if (globalThis.crypto === undefined)
  globalThis.crypto = webcrypto;

const federation = createFederation({
  kv: new MemoryKvStore(),
  // The test runs on loopback, which Fedify refuses to fetch by default.
  allowPrivateAddress: true,
});
// RSA 2048, as Mastodon's keys are (Fedify's own helper makes 4096-bit
// ones, which take many seconds on a loaded machine).
const rsa = () => crypto.subtle.generateKey({
  name: "RSASSA-PKCS1-v1_5", modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256",
}, true, ["sign", "verify"]);
const bobKeys = await rsa();
const otherKeys = await rsa();
if (globalThis.CryptoKey === undefined)
  globalThis.CryptoKey = bobKeys.publicKey.constructor;
const received = [];

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== "bob")
      return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Bob of Fedify",
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: keys[0].cryptographicKey,
    });
  })
  .setKeyPairsDispatcher(async (ctx, identifier) =>
    identifier === "bob" ? [bobKeys] : []);

// Fedify calls these only for activities whose signature verified.
function keep(ctx, activity) {
  received.push({
    type: activity.constructor.name,
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
    object: activity.objectId?.href ?? null,
  });
}

async function keepWithObject(ctx, activity) {
  const entry = {
    type: activity.constructor.name,
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
    object: activity.objectId?.href ?? null,
  };
  const object = await activity.getObject();
  if (object instanceof Article) {
    entry.objectType = "Article";
    entry.name = object.name?.toString() ?? null;
    entry.url = object.url?.href ?? null;
    entry.attributedTo = object.attributionIds.map((u) => u.href);
  } else if (object instanceof Follow) {
    entry.objectType = "Follow";
    entry.followObject = object.objectId?.href ?? null;
  } else if (object != null) {
    entry.objectType = object.constructor.name;
  }
  received.push(entry);
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Accept, keepWithObject)
  .on(Create, keepWithObject)
  .on(Update, keepWithObject)
  .on(Delete, keep);

async function json(req) {
  try {
    return JSON.parse(await req.text() || "{}");
  } catch {
    return {};
  }
}

function reply(status, value) {
  return new Response(JSON.stringify(value), {
    status, headers: { "Content-Type": "application/json" },
  });
}

// Sends activity from sender to the actor at url; {"sent": true} or why not.
async function send(ctx, sender, url, activity) {
  const actor = await ctx.lookupObject(url);
  if (!isActor(actor))
    return reply(200, { error: "the recipient is not an actor: " + url });
  try {
    await ctx.sendActivity(sender, actor, activity);
    return reply(200, { sent: true });
  } catch (e) {
    return reply(200, { error: String(e && e.message || e) });
  }
}

let seq = 0;

async function control(request, url) {
  const ctx = federation.createContext(request, undefined);
  const bob = ctx.getActorUri("bob");
  const next = (what) => new URL(`${bob.href}/${what}/${Date.now()}-${++seq}`);
  if (url.pathname === "/_peer/received")
    return reply(200, received);
  if (url.pathname === "/_peer/lookup") {
    const o = await ctx.lookupObject(url.searchParams.get("url") ?? "");
    if (o == null)
      return reply(404, { error: "not found" });
    const key = isActor(o) ? await o.getPublicKey() : null;
    return reply(200, {
      type: o.constructor.name,
      id: o.id?.href ?? null,
      preferredUsername: isActor(o) ? o.preferredUsername?.toString() : null,
      inbox: isActor(o) ? o.inboxId?.href ?? null : null,
      sharedInbox: isActor(o) ? o.endpoints?.sharedInbox?.href ?? null : null,
      publicKey: key?.id?.href ?? null,
    });
  }
  if (request.method !== "POST")
    return reply(405, { error: "POST" });
  const body = await json(request);
  if (url.pathname === "/_peer/follow" ||
      url.pathname === "/_peer/follow-badkey") {
    const sender = url.pathname === "/_peer/follow" ? { identifier: "bob" } :
      { privateKey: otherKeys.privateKey, keyId: new URL(bob.href + "#main-key") };
    return send(ctx, sender, body.object, new Follow({
      id: next("follows"), actor: bob, object: new URL(body.object),
    }));
  }
  if (url.pathname === "/_peer/reply") {
    const id = next("notes");
    return send(ctx, { identifier: "bob" }, body.to, new Create({
      id: new URL(id.href + "/activity"), actor: bob,
      to: new URL("https://www.w3.org/ns/activitystreams#Public"),
      object: new Note({
        id, attribution: bob, content: body.content,
        replyTarget: new URL(body.inReplyTo),
        to: new URL("https://www.w3.org/ns/activitystreams#Public"),
      }),
    }));
  }
  return reply(404, { error: "no such route" });
}

const server = http.createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const c of req)
      chunks.push(c);
    const url = new URL(req.url, `http://${req.headers.host}`);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers))
      headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const request = new Request(url, {
      method: req.method, headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined :
        Buffer.concat(chunks),
    });
    const response = url.pathname.startsWith("/_peer/") ?
      await control(request, url) :
      await federation.fetch(request, {
        contextData: undefined,
        onNotFound: () => new Response("not found", { status: 404 }),
        onNotAcceptable: () => new Response("not acceptable", { status: 406 }),
      });
    const out = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(out);
  } catch (e) {
    res.writeHead(500, { "Content-Type": "text/plain" });
    res.end(String(e && e.stack || e));
  }
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
});
