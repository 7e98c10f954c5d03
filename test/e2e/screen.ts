/**
 * What a terminal would show for some output: enough of a VT100 to follow
 * readline's prompt handling (carriage return, line feed, cursor moves,
 * erasing) and the terminal client's own writes. Rows never scroll off, so
 * the whole session stays readable. Colours and modes are ignored; the bell
 * is counted.
 */
export function renderScreen(raw: string, columns = 100): { rows: string[]; bells: number } {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  let bells = 0;
  const line = (r: number) => {
    while (rows.length <= r) rows.push([]);
    return rows[r] as string[];
  };
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i] as string;
    if (ch === "\x1b") {
      // ESC has been matched; the rest is a control sequence like `[2A` or `[0J`.
      const csi = /^\[([?\d;]*)([A-Za-z])/.exec(raw.slice(i + 1));
      if (!csi) {
        i += 2;
        continue;
      }
      i += 1 + csi[0].length;
      const n = Number.parseInt(csi[1] || "0", 10) || 0;
      switch (csi[2]) {
        case "A":
          row = Math.max(0, row - Math.max(1, n));
          break;
        case "B":
          row += Math.max(1, n);
          break;
        case "C":
          col = Math.min(columns - 1, col + Math.max(1, n));
          break;
        case "D":
          col = Math.max(0, col - Math.max(1, n));
          break;
        case "G":
          col = Math.max(0, Math.max(1, n) - 1);
          break;
        case "K": {
          const cells = line(row);
          if (n === 0) cells.length = Math.min(cells.length, col);
          else if (n === 1) cells.fill(" ", 0, col + 1);
          else cells.length = 0;
          break;
        }
        case "J":
          line(row).length = Math.min(line(row).length, col);
          rows.length = row + 1;
          break;
      }
      continue;
    }
    i++;
    if (ch === "\r") col = 0;
    else if (ch === "\n") {
      row++;
      col = 0;
    } else if (ch === "\x07") bells++;
    else if (ch === "\b") col = Math.max(0, col - 1);
    else if (ch >= " ") {
      if (col >= columns) {
        row++;
        col = 0;
      }
      const cells = line(row);
      while (cells.length < col) cells.push(" ");
      cells[col] = ch;
      col++;
    }
  }
  return { rows: rows.map((cells) => cells.join("").trimEnd()), bells };
}
