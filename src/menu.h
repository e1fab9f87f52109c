/*
 * menu.h — changing the mega-menu ("main") and the footer, shared by the
 * admin API (api_menu.c) and the newsroom (page_admin_menus.c): the
 * checks of an item, and writes that commit and drop every page showing
 * the menus, on every instance.
 */
#ifndef MASTHEAD_MENU_H
#define MASTHEAD_MENU_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

#define MENU_LABEL_MAX		100
#define MENU_URL_MAX		500
#define MENU_POSITION_MAX	10000

extern const char *const menu_names[2];	/* "main", "footer" */

/*
 * Whether s names a menu: "main" or "footer", or either followed by "@"
 * and a sister site's id, that site's own (docs/sites.md).
 */
int	menu_name_ok(const char *s);
/*
 * Checks an item's fields (label, url, position; menu and parent_id when
 * creating).  0, or 400 / 422 with a sentence in msg.
 */
int	menu_check(json_t *in, int creating, char *msg, size_t msglen);
/*
 * Each runs in its own write transaction and returns a store result:
 * STORE_NOTFOUND for an unknown item, STORE_CONFLICT for a parent that
 * is not an item of the same menu, STORE_BUSY when it cannot commit.
 */
int	menu_add(struct db *, json_t *in, int64_t *id);
int	menu_update(struct db *, int64_t id, json_t *in);
int	menu_delete(struct db *, int64_t id);

#endif
