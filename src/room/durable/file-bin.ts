/**
 * v1.10: where a room's files are kept (R2), as the room needs it: only to
 * delete them. Each room's files are under a prefix of their own, so one
 * listing finds them all.
 */
export interface FileBin {
  delete(room: string, ids: readonly string[]): Promise<void>;
  /** Every file the room has: a private room's wipe. */
  deleteAll(room: string): Promise<void>;
}

/** The key of a room's file in R2. */
export function fileKey(room: string, id: string): string {
  return `${room}/${id}`;
}

/** R2 deletes at most this many keys in one call, and lists at most this many in one page. */
const R2_BATCH = 1000;

export function fileBin(bucket: R2Bucket): FileBin {
  return {
    delete: async (room, ids) => {
      for (let i = 0; i < ids.length; i += R2_BATCH) {
        await bucket.delete(ids.slice(i, i + R2_BATCH).map((id) => fileKey(room, id)));
      }
    },
    deleteAll: async (room) => {
      // Listed a page at a time and deleted as listed: the next listing starts from what is left.
      for (;;) {
        const page = await bucket.list({ prefix: `${room}/`, limit: R2_BATCH });
        if (page.objects.length === 0) return;
        await bucket.delete(page.objects.map((o) => o.key));
        if (!page.truncated) return;
      }
    },
  };
}

/** A room made without R2 has no files to delete. */
export const NO_FILES: FileBin = { delete: async () => {}, deleteAll: async () => {} };
