"""The media library in the editor, in a real browser (Chromium through
playwright-core): an author opens a new story, chooses the hero image
from the library's dialog (the field fills and a preview shows), puts an
image into the body at the cursor with "Insert image", uploads a new one
with the dialog's file button (it goes in where the cursor was), pastes
an image into the body and drops an image file on it (each uploaded and
put in at the cursor), saves, and sees the images on the story's
preview.  The library page is photographed for docs/newsroom.md when
MASTHEAD_SCREENSHOTS names a folder.

playwright-core is pinned in tests/node and the browser is the system's
/usr/bin/chromium, both installed by make test-deps; when either is
missing, the suite fails saying so."""
import base64
import json
import os
import shutil
import subprocess
import tempfile

from harness import (BIN, Server, ok, eq, run_tests, demo_db, sql, browser, browser_steps,
                     on_pg, pg_demo, vips_image)

PW = "a long enough passphrase"

STEPS = r"""
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(15000);
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await signIn(page, 'au', '/admin/articles/new');
  check('the hero field has a Choose image button', await page.isVisible('button[data-media-picker=hero]'));
  check('the body has an Insert image button', await page.isVisible('button[data-media-picker=body]'));

  await page.fill('#f-title', 'Pictures From The Library');
  await page.selectOption('select[name=section]', process.env.SECTION);

  /* The hero, from the library. */
  await page.click('button[data-media-picker=hero]');
  await page.waitForSelector('dialog.media-dialog[open] .media-pick');
  check('the dialog opens on the library', await page.isVisible('dialog.media-dialog'));
  if (process.env.SHOTS) {
    await page.waitForFunction(() => Array.from(document.querySelectorAll('dialog .media-pick img'))
      .every(i => i.complete));
    await page.screenshot({ path: process.env.SHOTS + '/newsroom-media-picker.png' });
  }
  await page.fill('dialog.media-dialog input[name=q]', 'lighthouse');
  await page.press('dialog.media-dialog input[name=q]', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('dialog .media-pick').length === 1);
  check('a search narrows the grid to the one image', true);
  await page.click('dialog.media-dialog .media-pick');
  check('choosing closes the dialog', !(await page.isVisible('dialog.media-dialog')));
  check('the hero field holds the image\'s code',
    (await page.inputValue('input[name=hero_image]')) === process.env.HERO,
    await page.inputValue('input[name=hero_image]'));
  check('and a preview shows it',
    (await page.getAttribute('img.hero-thumb', 'src') || '').includes(process.env.HERO));

  /* An image into the body, at the cursor. */
  await page.fill('#f-body', 'First paragraph.\n\nSecond paragraph.');
  await page.evaluate(() => { const b = document.getElementById('f-body');
    b.focus(); b.selectionStart = b.selectionEnd = 'First paragraph.\n\n'.length; });
  await page.click('button[data-media-picker=body]');
  await page.waitForSelector('dialog.media-dialog[open] .media-pick');
  await page.fill('dialog.media-dialog input[name=q]', 'harbour');
  await page.press('dialog.media-dialog input[name=q]', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('dialog .media-pick').length === 1);
  await page.click('dialog.media-dialog .media-pick');
  let body = await page.inputValue('#f-body');
  check('Insert image puts Markdown at the cursor, a paragraph of its own',
    body === 'First paragraph.\n\n![A harbour at dawn](/media/' + process.env.INLINE + '.jpg)\n\nSecond paragraph.', body);

  /* A new image, uploaded by the dialog's button, goes in where the cursor is. */
  await page.evaluate(() => { const b = document.getElementById('f-body');
    b.focus(); b.selectionStart = b.selectionEnd = b.value.length; });
  await page.click('button[data-media-picker=body]');
  await page.waitForSelector('dialog.media-dialog[open]');
  await page.fill('dialog.media-dialog input[name=alt]', 'An uploaded square');
  await page.setInputFiles('dialog.media-dialog input[type=file]', process.env.UPLOAD);
  await page.waitForFunction(() => !document.querySelector('dialog.media-dialog').open);
  body = await page.inputValue('#f-body');
  check('an upload from the dialog is inserted at the cursor',
    /\n\n!\[An uploaded square\]\(\/media\/[0-9a-f]{64}\.jpg\)$/.test(body), body);

  /* An image pasted into the body is uploaded and inserted. */
  const pasted = process.env.PASTE_B64;
  await page.evaluate(async (b64) => {
    const bin = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const file = new File([bin], 'clip.png', { type: 'image/png' });
    const dt = new DataTransfer();
    dt.items.add(file);
    const b = document.getElementById('f-body');
    b.focus();
    b.selectionStart = b.selectionEnd = 0;
    b.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, pasted);
  await page.waitForFunction(() => /^!\[\]\(\/media\/[0-9a-f]{64}\.png\)/.test(document.getElementById('f-body').value));
  check('a pasted image is uploaded and inserted at the cursor',
    /^!\[\]\(\/media\/[0-9a-f]{64}\.png\)\n\nFirst paragraph\./.test(await page.inputValue('#f-body')));

  /* A file dropped on the body is uploaded and inserted where the cursor is. */
  const dropped = process.env.DROP_B64;
  await page.evaluate(async (b64) => {
    const bin = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bin], 'dropped.png', { type: 'image/png' }));
    const b = document.getElementById('f-body');
    b.focus();
    b.selectionStart = b.selectionEnd = b.value.indexOf('First paragraph.') + 'First paragraph.'.length;
    b.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    b.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, dropped);
  const dropRe = /First paragraph\.\n\n!\[\]\(\/media\/[0-9a-f]{64}\.png\)\n\n/;
  await page.waitForFunction(re => new RegExp(re).test(document.getElementById('f-body').value),
    dropRe.source).catch(() => {});
  check('a file dropped on the body is uploaded and inserted at the cursor',
    dropRe.test(await page.inputValue('#f-body')), await page.inputValue('#f-body'));

  await Promise.all([page.waitForNavigation(), page.click('button[name=then][value=save]')]);
  check('the story is saved', page.url().includes('done=save'), page.url());
  const story = page.url().split('?')[0];
  const prev = await (await page.context()).newPage();
  await prev.goto(story + '/preview');
  const srcs = await prev.locator('main img').evaluateAll(is => is.map(i => i.getAttribute('src')));
  check('the preview shows the hero image', srcs.some(s => s.includes(process.env.HERO)), srcs);
  check('and the inserted image', srcs.some(s => s.includes(process.env.INLINE)), srcs);
  check('and the uploaded one', srcs.filter(s => /^\/media\/[0-9a-f]{64}\.(jpg|png)$/.test(s)).length >= 3, srcs);
  const figure = await prev.textContent('main');
  check('the hero has the caption kept with the image', figure.includes('The lighthouse at night'));
  /* Images below the fold load lazily: ask for them all, then look. */
  await prev.evaluate(() => document.querySelectorAll('main img').forEach(i => { i.loading = 'eager'; }));
  await prev.waitForFunction(() => Array.from(document.querySelectorAll('main img'))
    .every(i => i.complete), null, { timeout: 10000 }).catch(() => {});
  const loaded = await prev.locator('main img').evaluateAll(is => is.every(i => i.complete && i.naturalWidth > 0));
  check('every image of the preview loads', loaded);

  await page.goto(base + '/admin/media');
  check('the library page shows the grid', (await page.locator('.media-item').count()) >= 4);
  if (process.env.SHOTS)
    await page.screenshot({ path: process.env.SHOTS + '/newsroom-media.png' });
  check('no script error on the way', errors.length === 0, errors);
"""


def main():
    browser()
    d = tempfile.mkdtemp(prefix="masthead-browser-media-")
    db = demo_db(d)
    # The demo's images are in its media directory (a copy of the one
    # PostgreSQL's suites share), so the library shows them too.
    media = os.path.join(d, "media")
    if on_pg():
        shutil.copytree(pg_demo()[1], media)
    author = sql(db, "SELECT slug FROM authors ORDER BY id LIMIT 1")[0][0]
    subprocess.run([BIN, "user", "add", "--db", db, "--role", "author", "--author", author,
                    "--name", "Au", "au@example.com"], input=PW, text=True, check=True,
                   capture_output=True)
    tok = subprocess.run([BIN, "token", "add", "--db", db, "au@example.com"],
                         check=True, capture_output=True, text=True).stdout.strip()
    section = sql(db, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
    srv = Server(db=db, args=["--media_dir", media])

    def put(path, fields):
        boundary = "XyZ"
        body = b""
        for k, v in fields.items():
            body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                     % (boundary, k, v)).encode()
        with open(path, "rb") as f:
            data = f.read()
        body += ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                 "Content-Type: image/jpeg\r\n\r\n" % (boundary, os.path.basename(path))).encode()
        body += data + ("\r\n--%s--\r\n" % boundary).encode()
        s, h, b = srv.request("POST", "/api/v1/admin/media", {
            "Authorization": "Bearer " + tok,
            "Content-Type": "multipart/form-data; boundary=" + boundary}, body)
        assert s == 201, (s, b[:200])
        return json.loads(b)["image"]["hash"]

    hero = put(vips_image(os.path.join(d, "lighthouse.jpg"), 1400, 800, 10),
               {"alt": "A lighthouse", "caption": "The lighthouse at night",
                "credit": "Photo: Staff"})
    inline = put(vips_image(os.path.join(d, "harbour.jpg"), 900, 600, 60),
                 {"alt": "A harbour at dawn"})
    put(vips_image(os.path.join(d, "field.jpg"), 500, 500, 120), {"alt": "A field"})
    upload_path = vips_image(os.path.join(d, "square.jpg"), 640, 640, 200)
    paste = vips_image(os.path.join(d, "clip.png"), 300, 200, 30)
    with open(paste, "rb") as f:
        paste_b64 = base64.b64encode(f.read()).decode()
    drop = vips_image(os.path.join(d, "dropped.png"), 320, 240, 90)
    with open(drop, "rb") as f:
        drop_b64 = base64.b64encode(f.read()).decode()
    shots = os.environ.get("MASTHEAD_SCREENSHOTS", "")
    n = sql(db, "SELECT count(*) FROM images")[0][0]
    browser_steps(STEPS, srv, PW, {"SECTION": section, "HERO": hero, "INLINE": inline,
                                   "UPLOAD": upload_path, "PASTE_B64": paste_b64, "DROP_B64": drop_b64,
                                   "SHOTS": shots})
    eq(sql(db, "SELECT count(*) FROM images")[0][0], n + 3,
       "the upload, the pasted and the dropped image are in the library")
    row = sql(db, "SELECT alt, filename, width FROM images WHERE filename = 'square.jpg'")
    eq(row, [("An uploaded square", "square.jpg", 640)],
       "the uploaded image kept its alt text, file name and 640 px")
    art = sql(db, "SELECT i.hash FROM articles a JOIN images i ON i.id = a.hero_image_id"
              " WHERE a.title = 'Pictures From The Library'")
    eq(art, [(hero,)], "the saved story's hero is the image chosen")
    run_tests([], srv.stop)


main()
