/*
 * cache_int.h — what the three files of the page cache share, and no
 * one else includes: cache.c (the table of entries, its LRU lists and
 * memory bound, lookups, fills and fragments), cache_tags.c (dependency
 * tracking: the tags a render declares, the table of tags, and
 * invalidation) and cache_zip.c (the compressed variants, their thread,
 * and the splice of a reader's part into them).
 *
 * One mutex, cache_lock, guards all of it.  A function said to run with
 * the lock held must be called with it held.
 */
#ifndef MASTHEAD_CACHE_INT_H
#define MASTHEAD_CACHE_INT_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cache.h"

#define DEPS_SLOTS	2048		/* distinct tags one page may carry */

struct tag_link;

/* The compressed copies of a page, made after it is stored. */
struct variants {
	char			*body[ENC__MAX];	/* [ENC_IDENTITY] unused */
	size_t			 len[ENC__MAX];
	char			 etag[ENC__MAX][28];
	int			 has_split;
	struct cache_split	 split;		/* the gzip halves around the hole */
};

/*
 * One of a fragment's tags (the bytes at off in its tags, len long) with
 * its cache_hash(): a page takes every tag of each fragment it reads,
 * and a home page reads some twenty fragments with four hundred tags.
 */
struct memo_tag {
	uint64_t		 hash;
	uint32_t		 off, len;
};

struct cache_entry {
	atomic_int		 refs;
	int			 live;		/* reachable from the table */
	int			 pending;	/* being rendered: no payload yet */
	char			*key;
	size_t			 keylen;
	uint64_t		 hash;
	struct cache_entry	*chain;
	struct cache_entry	*lru_prev, *lru_next;
	int			 bounded;	/* in the readers' share (cache_bounded) */
	struct cache_entry	*blru_prev, *blru_next;
	int			 status;
	const char		*ctype;
	const char		*cache_control;
	char			*body;		/* as rendered */
	size_t			 len;
	char			 etag[28];
	size_t			 hole_at, hole_end;
	int			 compress;	/* worth compressing */
	_Atomic(struct variants *) var;	/* NULL until compressed */
	struct cache_entry	*qnext;		/* in the compression queue */
	int64_t			 last_modified;
	char			 last_modified_http[32];
	int64_t			 expires_at;	/* 0: until invalidated */
	char			*tags;
	size_t			 tagslen;
	atomic_int		 tags_checked;	/* cache_tags_checked */
	json_t			*memo;		/* a view-model fragment, not a page */
	struct memo_tag		*mtags;		/* a fragment's tags, split and hashed */
	size_t			 nmtags;
	struct tag_link		*links;
	size_t			 nlinks;
	size_t			 size;
};

/* A chained hash table; both tables chain through their second field. */
struct cache_table {
	void			**b;
	size_t			  n;		/* buckets, a power of two */
	size_t			  count;
};

/* What this thread's render has declared (cache_tags.c). */
struct cache_deps {
	int		 active;
	int		 overflow;
	uint64_t	 seq0;
	int64_t		 until;
	struct buf	 tags;
	uint64_t	 seen[DEPS_SLOTS];
	uint16_t	 used[DEPS_SLOTS];	/* the slots of seen in use, to clear */
	size_t		 nseen;
	int		 frag;		/* a fragment is being built too */
	int		 bounded;	/* the page is in the readers' share */
	struct buf	 ftags;		/* its own tags */
	int64_t		 funtil;
	uint64_t	 fseq0;
};

/* cache.c */
extern pthread_mutex_t cache_lock;
extern struct cache_stats cache_st;	/* lock held */
uint64_t cache_hash(const char *, size_t);
void	 cache_table_init(struct cache_table *, size_t n);
/* "<16 hex digits of h><suffix>", quoted. */
void	 cache_etag(char *dst, size_t n, uint64_t h, const char *suffix);
/*
 * Takes e out of the table and every list, dropping the table's
 * reference.  Lock held.
 */
void	 cache_entry_drop(struct cache_entry *);
/* Drops every entry but those being rendered; how many.  Lock held. */
uint64_t cache_drop_all(void);
/* e's variants took add bytes more: counts them, evicts.  Lock held. */
void	 cache_grew(struct cache_entry *e, size_t add);

/* cache_tags.c */
extern _Thread_local struct cache_deps cache_deps;
extern uint64_t cache_inval_seq;	/* bumped by every invalidation; lock held */
void	 cache_tags_init(void);
void	 cache_tags_free(void);
/* Links e to each of its tags / unlinks it, freeing unused tags.  Lock held. */
void	 cache_entry_tag(struct cache_entry *);
/*
 * cache_dep_str() of the n bytes at tag, which need no NUL: for a page,
 * not while a fragment is being made (frag_add() searches a C string).
 */
void	 cache_dep_page(const char *tag, size_t n);
/* The same with the tag's cache_hash() made already. */
void	 cache_dep_hashed(const char *tag, size_t n, uint64_t h);
void	 cache_entry_untag(struct cache_entry *);

/* cache_zip.c */
void	 cache_zip_start(void);
void	 cache_zip_stop(void);
/* Queues e for compression (taking a reference).  Lock held. */
void	 cache_zip_queue(struct cache_entry *);
void	 cache_variants_free(struct variants *);

#endif
