/** How dates and money read on the page. */
export const dateTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Minor units (cents) in major ones: 12500 USD → 125. */
export const majorUnits = (minor: number, currency: string) => minor / 10 ** minorDigits(currency);

/** Minor units (cents) as money: 12500 USD → $125.00. */
export const money = (minor: number, currency: string) =>
  new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(majorUnits(minor, currency));

/** "125.5" in the account's currency → 12550 minor units; NaN when it is not a number. */
export const toMinor = (text: string, currency: string) =>
  Math.round(Number(text.trim()) * 10 ** minorDigits(currency));
