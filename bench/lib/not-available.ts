/** A benchmark whose prerequisite is missing (a tool not built yet, no /proc): reported, never a failed run. */
export class NotAvailable extends Error {
  override readonly name = 'NotAvailable';
}
