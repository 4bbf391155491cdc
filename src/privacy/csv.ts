// CSV per RFC 4180 for spreadsheets: CRLF line ends, a cell quoted when it holds a comma, a quote,
// CR or LF (its quotes doubled), the file opened by a UTF-8 byte order mark so that Excel reads
// it as UTF-8. A text cell that a spreadsheet would read as a formula (it starts with =, +, -, @,
// tab or CR) gets a leading apostrophe: shown as text, never evaluated (OWASP, "CSV Injection").

export type Cell = string | number | boolean | null | undefined;

export const UTF8_BOM = "\uFEFF";
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: numbers and booleans as written, text neutralised and quoted as needed. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "string") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
