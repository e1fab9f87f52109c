"""Sister sites in Chromium (docs/sites.md): at 1366 px, LR Asia reached
by its own host name shows its name, its colours and its own section
first in the mega-menu; its search page finds its story and not another
site's; the menu's panels open from the site's /sections.  Every page is
screenshot (into SHOTS, a temporary directory unless set)."""
import os
import tempfile

from harness import Server, run_tests, demo_db, browser_steps

DB = demo_db(tempfile.mkdtemp(prefix="masthead-sites-browser-"))
srv = Server(db=DB)
SHOTS = os.environ.get("SHOTS") or tempfile.mkdtemp(
    prefix="masthead-sites-shots-")

STEPS = r"""
const shots = process.env.SHOTS, site = process.env.SITE;
const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
const page = await ctx.newPage();
await page.goto(site + '/');
check('LR Asia answers at its host name in Chromium',
      (await page.textContent('header')).includes('LR Asia'));
const first = await page.$eval('.mega-top li:first-child a',
                               a => [a.textContent, a.getAttribute('href')]);
check("its own section leads the menu", first[0] === 'LR Asia' &&
      first[1] === '/section/lr-asia', first);
const box = await page.$eval('.mega-top li:first-child a',
                             a => a.getBoundingClientRect().width);
check('and is on screen', box > 0, box);
const accent = await page.evaluate(() => getComputedStyle(
    document.documentElement).getPropertyValue('--accent').trim());
check('in its own colours', accent === '#8a1c3b', accent);
await page.screenshot({ path: shots + '/lr-asia-home-1366.png' });
await page.goto(site + '/search?q=towers+island');
const links = await page.$$eval('main a', as => as.map(a => a.getAttribute('href')));
check("its search finds LR Asia's story", links.includes(
    '/article/regional-operators-share-towers-to-reach-island-villages'), links.length);
check("and no story of Connecting Africa", !links.includes(
    '/article/mobile-money-agents-get-a-network-of-their-own'));
await page.screenshot({ path: shots + '/lr-asia-search-1366.png', fullPage: true });
await page.goto(site + '/search?q=mobile+money+agents');
const none = await page.$$eval('main a', as => as.map(a => a.getAttribute('href')));
check("another site's story is not found on LR Asia", !none.includes(
    '/article/mobile-money-agents-get-a-network-of-their-own'));
"""


def test_sister_site_in_chromium():
    browser_steps(STEPS, srv, "", env={
        "SHOTS": SHOTS, "SITE": "http://lr-asia.localhost:%d" % srv.port})
    print("# screenshots in " + SHOTS)


run_tests([test_sister_site_in_chromium], cleanup=srv.stop)
