/*
 * db_sqlite.c — the SQLite driver behind db.h.
 *
 * The file is opened in WAL mode so readers on the server threads never
 * wait for the writer.  SQLite treats "$1" as a named parameter and numbers
 * named parameters in order of first appearance, so each statement keeps
 * a map from the $N of the SQL text to SQLite's own index.
 */
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_driver.h"

/*
 * Every page reads in a transaction, so BEGIN and COMMIT run once per
 * request: sqlite3_exec() would parse them each time (a tenth of an
 * uncached home page's time went to it).  The few texts that control
 * transactions are kept prepared instead, one slot per text.
 */
#define SQ_TX_MAX	8

struct sq_db {
	struct db	 base;
	sqlite3		*h;
	struct {
		char		 sql[40];
		sqlite3_stmt	*h;
	}		 tx[SQ_TX_MAX];
};

struct sq_stmt {
	struct db_stmt	 base;
	sqlite3_stmt	*h;
	int		 nparam;
	int		*map;		/* map[N] = SQLite index of $N, or 0 */
};

#define SQ(db)	((struct sq_db *)(db))
#define SQS(st)	((struct sq_stmt *)(st))

static const char *sq_pragmas =
    "PRAGMA journal_mode = WAL;"
    "PRAGMA synchronous = NORMAL;"
    "PRAGMA foreign_keys = ON;"
    "PRAGMA temp_store = MEMORY;";

static int
sq_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK: return DB_OK;
	case SQLITE_ROW: return DB_ROW;
	case SQLITE_DONE: return DB_DONE;
	case SQLITE_CONSTRAINT: return DB_CONSTRAINT;
	/*
	 * Locked beyond the busy timeout, a full disk, failing I/O: the
	 * storage cannot take the request now, which is a 503 with
	 * Retry-After, not a fault of the request or of the program.
	 */
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_NOLFS:
	case SQLITE_PROTOCOL: return DB_BUSY;
	default: return DB_ERROR;
	}
}

/*
 * Each thread has its own connection, so SQLite's own locking and its
 * global memory statistics (a mutex taken on every allocation) only cost.
 * This runs once, before the first connection.
 */
static void
sq_global_init(void)
{
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
}

/*
 * masthead_rank(k, w0, w1, ...): the search ranking, bm25 as FTS5's own
 * computes it (k1 1.2, b 0.75, column weights w0... in column order),
 * at a cost that does not grow with the archive.  Two things differ:
 *
 * - Each phrase's document frequency is estimated from its oldest
 *   RANK_DF_SAMPLE matches, not counted over every match: FTS5's bm25
 *   reads every row holding each phrase, for every query, before it
 *   ranks one.  A phrase with more matches than the sample is counted
 *   until the sample is full and scaled by the share of the ids read so
 *   far (ids grow as stories are written, and most are in the index); a
 *   rarer phrase is counted exactly.  A query of one phrase needs no
 *   frequency: its weight scales every score alike.
 *
 * - Only the best k rows (0: all) get their exact score.  The length of
 *   a row (a lookup in the index's table of sizes, half of bm25's cost)
 *   can only lower its score, so a row whose score with the least length
 *   cannot reach the k best scored so far is given that bound instead:
 *   it is below the k-th best score at the end too, so the k best rows
 *   and their order are bm25's, and every other row sorts after them.
 *
 * After the weights (one a column) may come the rows a filter keeps, as
 * the first rowid and a bitmap from it (bit i of byte i / 8 for rowid
 * first + i): a row outside it is scored 0, after every row that
 * matches, without reading its hits or its length, and the k best are
 * looked for among the rows the filter keeps, which FTS5 cannot see.
 */
#define RANK_DF_SAMPLE	1000
#define RANK_K1		1.2
#define RANK_B		0.75
#define RANK_TOP_MAX	5000

struct rank_query {
	int		 nphrase;
	double		 avgdl;		/* mean tokens a row */
	double		*idf;		/* of each phrase */
	double		*freq;		/* weighted hits of the row ranked */
	int		 k, nbest;
	double		*best;		/* min-heap of the nbest (<= k) best scores */
};

struct rank_count {
	sqlite3_int64	 n;		/* rows seen */
	sqlite3_int64	 last;		/* the rowid of the last */
};

static int
rank_count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *arg)
{
	struct rank_count *c = arg;

	c->last = api->xRowid(fts);
	return ++c->n >= RANK_DF_SAMPLE ? SQLITE_DONE : SQLITE_OK;
}

/* The per-query part, kept with the cursor from its first row. */
static struct rank_query *
rank_query(const Fts5ExtensionApi *api, Fts5Context *fts, int k, int *rc)
{
	struct rank_query *q;
	struct rank_count c;
	sqlite3_int64 nrow = 0, ntok = 0;
	double df;
	int i, n;

	if ((q = api->xGetAuxdata(fts, 0)) != NULL)
		return q;
	n = api->xPhraseCount(fts);
	if (k < 0 || k > RANK_TOP_MAX)
		k = 0;
	if ((q = sqlite3_malloc64(sizeof(*q) + (2 * (size_t)n + (size_t)k) *
	    sizeof(double))) == NULL) {
		*rc = SQLITE_NOMEM;
		return NULL;
	}
	q->nphrase = n;
	q->idf = (double *)(q + 1);
	q->freq = q->idf + n;
	q->best = q->freq + n;
	q->k = k;
	q->nbest = 0;
	if ((*rc = api->xRowCount(fts, &nrow)) == SQLITE_OK)
		*rc = api->xColumnTotalSize(fts, -1, &ntok);
	q->avgdl = nrow > 0 ? (double)ntok / (double)nrow : 1.0;
	if (n == 1)
		q->idf[0] = 1.0;
	for (i = 0; n > 1 && *rc == SQLITE_OK && i < n; i++) {
		c.n = c.last = 0;
		*rc = api->xQueryPhrase(fts, i, &c, rank_count_row);
		df = (double)c.n;
		if (c.n >= RANK_DF_SAMPLE && c.last > 0 && c.last < nrow)
			df = df * (double)nrow / (double)c.last;
		/* As bm25: a phrase in most rows still counts a little. */
		q->idf[i] = log(((double)nrow - df + 0.5) / (df + 0.5));
		if (q->idf[i] <= 0.0)
			q->idf[i] = 1e-6;
	}
	if (*rc == SQLITE_OK)
		*rc = api->xSetAuxdata(fts, q, sqlite3_free);
	else
		sqlite3_free(q);
	return *rc == SQLITE_OK ? q : NULL;
}

/* Keeps score if it is among the k best so far (a min-heap). */
static void
rank_keep(struct rank_query *q, double score)
{
	double *h = q->best, t;
	int i, c;

	if (q->nbest < q->k) {
		for (i = q->nbest++; i > 0 && h[(i - 1) / 2] > score;
		    i = (i - 1) / 2)
			h[i] = h[(i - 1) / 2];
		h[i] = score;
		return;
	}
	if (score <= h[0])
		return;
	for (i = 0; (c = 2 * i + 1) < q->k; i = c) {
		if (c + 1 < q->k && h[c + 1] < h[c])
			c++;
		if (h[c] >= score)
			break;
		t = h[c];
		h[i] = t;
	}
	h[i] = score;
}

/* The score of the row with a length factor of len. */
static double
rank_score(const struct rank_query *q, double len)
{
	double score = 0.0, f;
	int i;

	for (i = 0; i < q->nphrase; i++) {
		f = q->freq[i];
		score += q->idf[i] * f * (RANK_K1 + 1.0) / (f + RANK_K1 * len);
	}
	return score;
}

/* Whether the filter's bitmap, when the call has one, keeps this row. */
static int
rank_kept(const Fts5ExtensionApi *api, Fts5Context *fts, int nval,
    sqlite3_value **val)
{
	const unsigned char *bits;
	sqlite3_int64 i;
	int ncol = api->xColumnCount(fts), nbits;

	if (nval < ncol + 3)
		return 1;
	i = api->xRowid(fts) - sqlite3_value_int64(val[ncol + 1]);
	bits = sqlite3_value_blob(val[ncol + 2]);
	nbits = sqlite3_value_bytes(val[ncol + 2]) * 8;
	return i >= 0 && i < nbits && bits != NULL &&
	    (bits[i / 8] & (1u << (i % 8))) != 0;
}

static void
rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
    int nval, sqlite3_value **val)
{
	struct rank_query *q;
	double score;
	int rc = SQLITE_OK, ninst = 0, ntok = 0, i, phrase, col, off;

	if (nval < 1) {
		sqlite3_result_error(ctx, "masthead_rank: no k", -1);
		return;
	}
	if ((q = rank_query(api, fts, sqlite3_value_int(val[0]), &rc)) == NULL)
		goto fail;
	if (!rank_kept(api, fts, nval, val)) {
		sqlite3_result_double(ctx, 0.0);
		return;
	}
	for (i = 0; i < q->nphrase; i++)
		q->freq[i] = 0.0;
	if ((rc = api->xInstCount(fts, &ninst)) != SQLITE_OK)
		goto fail;
	for (i = 0; i < ninst; i++) {
		if ((rc = api->xInst(fts, i, &phrase, &col, &off)) != SQLITE_OK)
			goto fail;
		q->freq[phrase] += col + 1 < nval ?
		    sqlite3_value_double(val[col + 1]) : 1.0;
	}
	/* The bound: the least length factor, of an empty row. */
	score = rank_score(q, 1.0 - RANK_B);
	if (q->k == 0 || q->nbest < q->k || score >= q->best[0]) {
		if ((rc = api->xColumnSize(fts, -1, &ntok)) != SQLITE_OK)
			goto fail;
		score = rank_score(q, 1.0 - RANK_B + RANK_B * (double)ntok /
		    q->avgdl);
		if (q->k > 0)
			rank_keep(q, score);
	}
	/* As bm25's: the better the match, the lower, so ORDER BY puts it first. */
	sqlite3_result_double(ctx, -score);
	return;
fail:
	sqlite3_result_error_code(ctx, rc);
}

/*
 * masthead_token(tokenize, text, prefix): the one token FTS5's tokenizer
 * (tokenize as a table's tokenize option: a name and its arguments,
 * separated by spaces) makes of text in a query, as a prefix when prefix
 * is true; NULL when it makes none or several.  The store uses it to
 * write a long prefix as the one word of the index it stands for.
 */
#define TOKEN_ARGS	8

struct token_out {
	char	*p;
	int	 n, count;
};

static int
token_cb(void *arg, int flags, const char *tok, int n, int start, int end)
{
	struct token_out *o = arg;

	(void)start;
	(void)end;
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (o->count++ == 0 && (o->p = sqlite3_malloc(n > 0 ? n : 1)) != NULL) {
		memcpy(o->p, tok, (size_t)n);
		o->n = n;
	}
	return o->p == NULL ? SQLITE_NOMEM : SQLITE_OK;
}

static void
token_fn(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	fts5_api *fts = sqlite3_user_data(ctx);
	fts5_tokenizer tk;
	Fts5Tokenizer *t = NULL;
	struct token_out o = { NULL, 0, 0 };
	const char *argv[TOKEN_ARGS], *text;
	char spec[200], *w;
	void *ud;
	int argc = 0, rc;

	(void)nval;
	text = (const char *)sqlite3_value_text(val[1]);
	if (sqlite3_value_text(val[0]) == NULL || text == NULL ||
	    sqlite3_value_bytes(val[0]) >= (int)sizeof(spec)) {
		sqlite3_result_null(ctx);
		return;
	}
	memcpy(spec, sqlite3_value_text(val[0]),
	    (size_t)sqlite3_value_bytes(val[0]) + 1);
	/* The words of spec, each ended in place. */
	for (w = spec; *w != '\0' && argc < TOKEN_ARGS; ) {
		while (*w == ' ')
			*w++ = '\0';
		if (*w == '\0')
			break;
		argv[argc++] = w;
		while (*w != '\0' && *w != ' ')
			w++;
	}
	if (argc == 0 || fts->xFindTokenizer(fts, argv[0], &ud, &tk) !=
	    SQLITE_OK || tk.xCreate(ud, argv + 1, argc - 1, &t) != SQLITE_OK) {
		sqlite3_result_error(ctx, "masthead_token: no such tokenizer",
		    -1);
		return;
	}
	rc = tk.xTokenize(t, &o, FTS5_TOKENIZE_QUERY |
	    (sqlite3_value_int(val[2]) ? FTS5_TOKENIZE_PREFIX : 0), text,
	    sqlite3_value_bytes(val[1]), token_cb);
	tk.xDelete(t);
	if (rc != SQLITE_OK)
		sqlite3_result_error_code(ctx, rc);
	else if (o.count == 1)
		sqlite3_result_text(ctx, o.p, o.n, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(ctx);
	sqlite3_free(o.p);
}

/* Gives a connection's FTS5 masthead_rank() and masthead_token(). */
static int
rank_register(sqlite3 *h)
{
	sqlite3_stmt *st;
	fts5_api *fts = NULL;

	if (sqlite3_prepare_v2(h, "SELECT fts5(?1)", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_pointer(st, 1, &fts, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (fts == NULL || fts->iVersion < 2)
		return -1;
	if (sqlite3_create_function(h, "masthead_token", 3, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, fts, token_fn, NULL, NULL) != SQLITE_OK)
		return -1;
	return fts->xCreateFunction(fts, "masthead_rank", NULL, rank_fn,
	    NULL) == SQLITE_OK ? 0 : -1;
}

static struct db *
sq_open(const char *path, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct sq_db *db;
	sqlite3 *h = NULL;
	int rc;

	pthread_once(&once, sq_global_init);
	rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
		    h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_busy_timeout(h, 5000);
	sqlite3_extended_result_codes(h, 1);
	if (sqlite3_exec(h, sq_pragmas, NULL, NULL, NULL) != SQLITE_OK ||
	    rank_register(h) != 0) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(h));
		sqlite3_close(h);
		return NULL;
	}
	db = xcalloc(1, sizeof(*db));
	db->h = h;
	db_init_common(&db->base, &db_sqlite_driver);
	return &db->base;
}

static void
sq_close(struct db *db)
{
	size_t i;

	db_free_common(db);
	for (i = 0; i < SQ_TX_MAX; i++)
		sqlite3_finalize(SQ(db)->tx[i].h);
	sqlite3_close(SQ(db)->h);
	free(db);
}

static const char *
sq_errmsg(struct db *db)
{
	return sqlite3_errmsg(SQ(db)->h);
}

/*
 * The prepared statement of a transaction's control text (BEGIN, COMMIT,
 * ROLLBACK, SAVEPOINT, RELEASE: one statement, short), or NULL for any
 * other text, which sqlite3_exec() runs as it comes.
 */
static sqlite3_stmt *
sq_tx_stmt(struct sq_db *db, const char *sql)
{
	static const char *const verbs[] = {
		"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE",
	};
	size_t i, n = strlen(sql);
	const char *tail = NULL;

	if (n >= sizeof(db->tx[0].sql) || strchr(sql, ';') != NULL)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (strncmp(sql, verbs[i], strlen(verbs[i])) == 0)
			break;
	if (i == ARRAY_SIZE(verbs))
		return NULL;
	for (i = 0; i < SQ_TX_MAX && db->tx[i].h != NULL; i++)
		if (strcmp(db->tx[i].sql, sql) == 0)
			return db->tx[i].h;
	if (i == SQ_TX_MAX)
		return NULL;
	if (sqlite3_prepare_v3(db->h, sql, (int)n, SQLITE_PREPARE_PERSISTENT,
	    &db->tx[i].h, &tail) != SQLITE_OK || db->tx[i].h == NULL) {
		sqlite3_finalize(db->tx[i].h);
		db->tx[i].h = NULL;
		return NULL;
	}
	memcpy(db->tx[i].sql, sql, n + 1);
	return db->tx[i].h;
}

static int
sq_exec(struct db *db, const char *sql)
{
	sqlite3_stmt *st = sq_tx_stmt(SQ(db), sql);
	int rc;

	if (st == NULL)
		return sq_rc(sqlite3_exec(SQ(db)->h, sql, NULL, NULL, NULL));
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return sq_rc(rc == SQLITE_DONE ? SQLITE_OK : rc);
}

static struct db_stmt *
sq_prepare(struct db *db, const char *sql)
{
	struct sq_stmt *st;
	sqlite3_stmt *h;
	int i, n, maxn = 0;
	int64_t k;

	if (sqlite3_prepare_v3(SQ(db)->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &h, NULL) != SQLITE_OK)
		return NULL;
	n = sqlite3_bind_parameter_count(h);
	for (i = 1; i <= n; i++) {
		const char *name = sqlite3_bind_parameter_name(h, i);
		if (name != NULL && name[0] == '$' &&
		    parse_int(name + 1, strlen(name + 1), 1, 999, &k) == 0 &&
		    k > maxn)
			maxn = (int)k;
	}
	st = xcalloc(1, sizeof(*st));
	st->base.db = db;
	st->h = h;
	st->nparam = maxn;
	st->map = xcalloc((size_t)maxn + 1, sizeof(int));
	for (i = 1; i <= n; i++) {
		const char *name = sqlite3_bind_parameter_name(h, i);
		if (name != NULL && name[0] == '$' &&
		    parse_int(name + 1, strlen(name + 1), 1, 999, &k) == 0)
			st->map[k] = i;
	}
	return &st->base;
}

static void
sq_finalize(struct db_stmt *st)
{
	sqlite3_finalize(SQS(st)->h);
	free(SQS(st)->map);
	free(st);
}

static void
sq_reset(struct db_stmt *st)
{
	sqlite3_reset(SQS(st)->h);
	sqlite3_clear_bindings(SQS(st)->h);
}

static int
sq_index(struct db_stmt *st, int i)
{
	if (i < 1 || i > SQS(st)->nparam)
		return 0;
	return SQS(st)->map[i];
}

static void
sq_bind_int(struct db_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(SQS(st)->h, sq_index(st, i), v);
}

static void
sq_bind_text(struct db_stmt *st, int i, const char *s, size_t n)
{
	sqlite3_bind_text64(SQS(st)->h, sq_index(st, i), s, n,
	    SQLITE_TRANSIENT, SQLITE_UTF8);
}

static void
sq_bind_null(struct db_stmt *st, int i)
{
	sqlite3_bind_null(SQS(st)->h, sq_index(st, i));
}

static int
sq_step(struct db_stmt *st)
{
	return sq_rc(sqlite3_step(SQS(st)->h));
}

static int
sq_col_count(struct db_stmt *st)
{
	return sqlite3_column_count(SQS(st)->h);
}

static int
sq_col_isnull(struct db_stmt *st, int i)
{
	return sqlite3_column_type(SQS(st)->h, i) == SQLITE_NULL;
}

static int64_t
sq_col_int(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(SQS(st)->h, i);
}

static double
sq_col_double(struct db_stmt *st, int i)
{
	return sqlite3_column_double(SQS(st)->h, i);
}

static const char *
sq_col_text(struct db_stmt *st, int i, size_t *lenp)
{
	const unsigned char *s = sqlite3_column_text(SQS(st)->h, i);
	size_t n = (size_t)sqlite3_column_bytes(SQS(st)->h, i);

	if (s == NULL) {
		s = (const unsigned char *)"";
		n = 0;
	}
	if (lenp != NULL)
		*lenp = n;
	return (const char *)s;
}

static const char *
sq_col_name(struct db_stmt *st, int i)
{
	return sqlite3_column_name(SQS(st)->h, i);
}

static int64_t
sq_changes(struct db *db)
{
	return sqlite3_changes64(SQ(db)->h);
}

/* SQLite has no aborted state: a failed statement undoes only itself. */
static enum db_txstate
sq_txstate(struct db *db)
{
	return sqlite3_get_autocommit(SQ(db)->h) ? DB_TX_IDLE : DB_TX_OPEN;
}

const struct db_driver db_sqlite_driver = {
	.kind = DB_SQLITE,
	/* Take the write lock up front: a read snapshot cannot be upgraded. */
	.begin_write = "BEGIN IMMEDIATE",
	/*
	 * The journal mode is refused (and harmless) while another
	 * connection has the file.  A 32 MB page cache holds the indexes
	 * that a load writes all over (lists by section, tag, author),
	 * where the usual 2 MB would write and read their pages again.
	 */
	.bulk_start = "PRAGMA cache_size = -32768; PRAGMA journal_mode = DELETE",
	.bulk_end = "PRAGMA cache_size = -2000; PRAGMA journal_mode = WAL",
	.open = sq_open,
	.close = sq_close,
	.errmsg = sq_errmsg,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.reset = sq_reset,
	.bind_int = sq_bind_int,
	.bind_text = sq_bind_text,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_count = sq_col_count,
	.col_isnull = sq_col_isnull,
	.col_int = sq_col_int,
	.col_double = sq_col_double,
	.col_text = sq_col_text,
	.col_name = sq_col_name,
	.txstate = sq_txstate,
	.changes = sq_changes,
};
