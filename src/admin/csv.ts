/**
 * A cell a spreadsheet will not run: text starting with = + - @ (or a tab or carriage return, which
 * some spreadsheets skip before reading a formula) gets a leading apostrophe (OWASP "CSV
 * injection"). Quoting and escaping of commas, quotes and line breaks is csv-stringify's job.
 */
export function safeCsvCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
