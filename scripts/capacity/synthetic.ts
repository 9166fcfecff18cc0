/**
 * Synthetic but realistic records for the capacity model, from a seeded generator (the same figures on every
 * run): US states weighted by population (2020 census, millions), common US first and last names (so
 * first letters, hence search partitions, are as uneven as in life), emails built from the names, birth
 * dates over a century, registrations over ten years.
 */
import type { PatientInput } from '../../functions/patients/schemas';

/** mulberry32: a small, fast, seeded generator. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [value, w] of entries) if ((r -= w) < 0) return value;
    return entries.at(-1)![0];
  }
  /** A version-4 UUID. */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(16).toString(16));
    hex[12] = '4';
    hex[16] = (this.int(4) + 8).toString(16);
    const h = hex.join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  /** A date (YYYY-MM-DD) uniformly between two dates. */
  date(from: string, to: string): string {
    const a = Date.parse(`${from}T00:00:00Z`);
    const b = Date.parse(`${to}T00:00:00Z`);
    return new Date(a + this.next() * (b - a)).toISOString().slice(0, 10);
  }
}

/** The words of a text block. */
const words = (text: string) => text.trim().split(/\s+/);

/** Resident population by state, millions (US Census 2020, rounded). */
export const STATE_POPULATION: readonly (readonly [string, number])[] = words(`
  CA 39.5 TX 29.1 FL 21.5 NY 20.2 PA 13.0 IL 12.8 OH 11.8 GA 10.7 NC 10.4 MI 10.1 NJ 9.3 VA 8.6
  WA 7.7 AZ 7.2 MA 7.0 TN 6.9 IN 6.8 MD 6.2 MO 6.2 WI 5.9 CO 5.8 MN 5.7 SC 5.1 AL 5.0 LA 4.7 KY 4.5
  OR 4.2 OK 4.0 CT 3.6 UT 3.3 IA 3.2 NV 3.1 AR 3.0 MS 3.0 KS 2.9 NM 2.1 NE 2.0 ID 1.8 WV 1.8 HI 1.5
  NH 1.4 ME 1.4 RI 1.1 MT 1.1 DE 1.0 SD 0.9 ND 0.8 AK 0.7 DC 0.7 VT 0.6 WY 0.6
`).flatMap((word, i, all) => (i % 2 === 0 ? [[word, Number(all[i + 1])] as const] : []));

const FIRST_NAMES = words(`
  James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard
  Susan Joseph Jessica Thomas Sarah Christopher Karen Charles Lisa Daniel Nancy Matthew Betty Anthony
  Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul Donna Joshua Michelle Kenneth
  Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Dorothy Jason Rebecca
  Edward Sharon Jeffrey Laura Ryan Cynthia Jacob Amy Gary Kathleen Nicholas Angela Eric Shirley
  Jonathan Brenda Stephen Emma Larry Anna Justin Pamela Scott Nicole Brandon Samantha Benjamin
  Katherine Samuel Christine Gregory Helen Alexander Debra Patrick Rachel Frank Carolyn Raymond Janet
  Jack Maria Dennis Olivia Jerry Heather Tyler Diane Aaron Julie Jose Joyce Adam Victoria Nathan Ruth
  Henry Virginia Zachary Lauren Douglas Kelly Peter Christina Kyle Joan Noah Evelyn Ethan Judith
  Jeremy Andrea Walter Hannah Christian Megan Keith Cheryl Roger Jacqueline Terry Martha Austin
  Madison Sean Teresa Gerald Gloria Carl Sara Harold Janice Dylan Ann Arthur Kathryn Lawrence Abigail
  Jordan Sophia Jesse Frances Bryan Jean Billy Alice Bruce Judy Gabriel Isabella Joe Julia Logan
  Grace Alan Amber Juan Denise Albert Danielle Willie Marilyn Elijah Beverly Wayne Charlotte Randy
  Natalie Vincent Theresa Mason Diana Roy Brittany Ralph Doris Bobby Kayla Russell Alexis Bradley
  Lori Philip Marie Eugene Zoe Wei Yuki Priya Ahmed Fatima Omar Mei Raj Olga Ivan
`);

const LAST_NAMES = words(`
  Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez
  Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark
  Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams
  Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker
  Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper
  Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James
  Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster
  Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher
  Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno
  West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall
  Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb
  Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason
  Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren
  Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne
  Grant Dunn Kelley Spencer Hawkins
`);

const CITIES = ['Springfield', 'Riverside', 'Franklin', 'Greenville', 'Bristol', 'Clinton', 'Fairview', 'Salem'];
const STREETS = ['Main St', 'Oak Ave', 'Pine St', 'Maple Dr', 'Cedar Ln', 'Elm St', 'Washington Blvd', 'Lake Rd'];
const DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'aol.com', 'example.org'];
const GENDERS: readonly (readonly [NonNullable<PatientInput['gender']> | undefined, number])[] = [
  ['female', 50],
  ['male', 47],
  ['other', 1],
  ['unknown', 1],
  [undefined, 1],
];

/** The day the synthetic records are "now" at: their registrations run over the ten years before it. */
export const TODAY = '2026-06-01';
const TEN_YEARS_AGO = '2016-06-01';

/** Registrations that name their date (records brought over from elsewhere); the rest are registered today. */
const DATED_REGISTRATIONS = 0.1;

/** A patient as a client would send it. `n` makes the email unique. */
export function patientInput(random: Random, n: number): PatientInput {
  const firstName = random.pick(FIRST_NAMES);
  const lastName = random.pick(LAST_NAMES);
  const gender = random.weighted(GENDERS);
  const phone = random.next() < 0.8;
  return {
    firstName,
    lastName,
    email: `${firstName}.${lastName}${n}@${random.pick(DOMAINS)}`.toLowerCase(),
    dateOfBirth: random.date('1926-01-01', '2025-12-31'),
    address: {
      street: `${100 + random.int(9900)} ${random.pick(STREETS)}`,
      city: random.pick(CITIES),
      state: random.weighted(STATE_POPULATION),
      zipCode: String(10000 + random.int(89999)),
    },
    ...(phone
      ? { phoneNumber: `+1 (${200 + random.int(799)}) 555-${String(random.int(10000)).padStart(4, '0')}` }
      : {}),
    ...(gender ? { gender } : {}),
    ...(random.next() < DATED_REGISTRATIONS ? { registeredDate: random.date(TEN_YEARS_AGO, TODAY) } : {}),
  };
}

/** What a client searches for: the first one to four letters of a name or email of someone on file. */
export function searchPrefix(random: Random, terms: readonly string[]): string {
  const term = random.pick(terms);
  return term.slice(0, 1 + random.int(4));
}
