/**
 * A wrapped row of buttons (the emoji picker) as one Tab stop moved through
 * with the arrows: Left and Right step, Up and Down go a row, with rows as
 * the buttons wrap on screen, Home and End go to the ends. Enter and Space
 * press the button, as any button does.
 */
export function rovingGrid(grid: HTMLElement, signal: AbortSignal): void {
  grid.addEventListener(
    "keydown",
    (e) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const cells = [...grid.querySelectorAll<HTMLElement>("button")];
      const at = cells.indexOf(e.target as HTMLElement);
      if (at < 0) return;
      const columns = columnsOf(cells);
      const to: Record<string, number> = {
        ArrowLeft: at - 1,
        ArrowRight: at + 1,
        ArrowUp: at - columns,
        ArrowDown: at + columns,
        Home: 0,
        End: cells.length - 1,
      };
      const next = to[e.key];
      if (next === undefined) return;
      e.preventDefault();
      const cell = cells[next];
      if (cell) focusCell(cells, cell);
    },
    { signal },
  );
}

/** Makes `cell` the grid's one Tab stop and focuses it. */
export function focusCell(cells: readonly HTMLElement[], cell: HTMLElement): void {
  for (const c of cells) c.tabIndex = c === cell ? 0 : -1;
  cell.focus();
}

/** How many buttons the first row holds, as laid out now. */
function columnsOf(cells: readonly HTMLElement[]): number {
  const top = cells[0]?.offsetTop ?? 0;
  const inFirstRow = cells.findIndex((c) => c.offsetTop !== top);
  return inFirstRow < 0 ? cells.length : inFirstRow;
}
