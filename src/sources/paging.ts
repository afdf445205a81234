/** Why a paging loop stopped before the vendor said it was done. */
export type PagingCut = 'REPEATED_PAGE' | 'PAGE_LIMIT' | 'ITEM_LIMIT';

export interface PagingOptions<T> {
  /** Names the loop in the warning a cut raises, e.g. 'encoders: GET get-media-files'. Never a secret. */
  what: string;
  /** An item's vendor id: a page holding none not seen before is the vendor ignoring paging. */
  idOf: (item: T) => string;
  /** Whether this page is the last one (short page, past the range, found what was looked for). */
  isLast: (page: T[]) => boolean;
  maxPages?: number;
  maxItems?: number;
}

export interface Paged<T> {
  /** Every distinct item read, in order. */
  items: T[];
  cut: PagingCut | null;
}

const MAX_PAGES = 50;
const MAX_ITEMS = 5_000;

/**
 * Reads page 0, 1, 2 ... until the vendor's last page, but never more than maxPages pages or maxItems items,
 * and stops at a page with nothing new (a vendor that ignores the offset answers the same page forever).
 * A cut returns what was read and raises a process warning (code AVGRAPH_PAGING_CUT) rather than failing.
 */
const warned = new Set<string>();

export async function readPages<T>(fetchPage: (index: number) => Promise<T[]>, opts: PagingOptions<T>): Promise<Paged<T>> {
  const maxPages = opts.maxPages ?? MAX_PAGES;
  const maxItems = opts.maxItems ?? MAX_ITEMS;
  const seen = new Set<string>();
  const items: T[] = [];
  const done = (cut: PagingCut | null): Paged<T> => {
    // once per kind of read: a vendor that ignores paging would otherwise warn at every poll
    if (cut && !warned.has(opts.what)) {
      warned.add(opts.what);
      process.emitWarning(`${opts.what}: paging stopped (${cut}) after ${items.length} items`, { code: 'AVGRAPH_PAGING_CUT' });
    }
    return { items, cut };
  };
  for (let index = 0; index < maxPages; index++) {
    const page = await fetchPage(index);
    const fresh = page.filter((item) => {
      const id = opts.idOf(item);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    if (page.length > 0 && fresh.length === 0) return done('REPEATED_PAGE');
    for (const item of fresh) {
      if (items.length >= maxItems) return done('ITEM_LIMIT');
      items.push(item);
    }
    if (opts.isLast(page)) return done(null);
  }
  return done('PAGE_LIMIT');
}
