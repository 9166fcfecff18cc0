/**
 * FHIR R4 view figures (issue 19), against one `npm start` runtime, each against its REST twin in the same run:
 * - GET /fhir/R4/Patient/{id} p99 vs GET /api/patients/{id} p99 (same record, same token, same concurrency);
 * - a FHIR search page (`name=<prefix>&_count=20`) p99 vs the same page of `/api/patients?search=<prefix>&limit=20`.
 * Both views call the same use cases over the same indexes, so the ratio is the cost of the FHIR mapping.
 * Rounds alternate REST and FHIR so drift on a shared machine hits both alike.
 */
import type { BenchModule } from '../lib/context';
import { patientInput, type BenchContext } from '../lib/context';
import { httpLoad } from '../lib/load';
import { comparison, figure, type Row } from '../lib/report';
import { median } from '../lib/stats';

const CONCURRENCY = 16;
const PAGE = 20;
/** More matches than a page, so both searches read a full page and hand out a next cursor. */
const MATCHES = PAGE + 10;

async function run(ctx: BenchContext) {
  const runtime = await ctx.runtime();
  const token = await ctx.adminToken();
  const auth = { authorization: `Bearer ${token}` };
  const prefix = `fhirbench${process.pid}`;
  let id = '';
  for (let i = 0; i < MATCHES; i++) {
    const body = JSON.stringify({ ...patientInput('fhir'), lastName: `${prefix}x${i}` });
    const created = await fetch(`${runtime.baseUrl}/api/patients`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body,
    });
    if (created.status !== 201) throw new Error(`POST /api/patients answered ${created.status}`);
    id = ((await created.json()) as { id: string }).id;
  }
  const urls = {
    restRead: `${runtime.baseUrl}/api/patients/${id}`,
    fhirRead: `${runtime.baseUrl}/fhir/R4/Patient/${id}`,
    restSearch: `${runtime.baseUrl}/api/patients?search=${prefix}&limit=${PAGE}`,
    fhirSearch: `${runtime.baseUrl}/fhir/R4/Patient?name=${prefix}&_count=${PAGE}`,
  };
  // Both searches answer the same full page.
  const rest = (await (await fetch(urls.restSearch, { headers: auth })).json()) as {
    patients: unknown[];
    nextCursor: string | null;
  };
  const fhir = (await (await fetch(urls.fhirSearch, { headers: auth })).json()) as {
    entry?: unknown[];
    link: { relation: string }[];
  };
  if (
    rest.patients.length !== PAGE ||
    fhir.entry?.length !== PAGE ||
    !rest.nextCursor ||
    !fhir.link.some((l) => l.relation === 'next')
  ) {
    throw new Error('the REST and FHIR searches did not both answer a full page with a next one');
  }

  const load = (url: string, seconds = ctx.seconds) =>
    httpLoad({ url, headers: auth, connections: CONCURRENCY, seconds });
  for (const url of Object.values(urls)) await load(url, 2); // warm-up
  const p99 = {
    restRead: [] as number[],
    fhirRead: [] as number[],
    restSearch: [] as number[],
    fhirSearch: [] as number[],
  };
  let failures = 0;
  for (let round = 0; round < ctx.rounds; round++) {
    // Alternate which view goes first, so neither always meets the warmer or the busier machine.
    const order =
      round % 2 === 0
        ? (['restRead', 'fhirRead', 'restSearch', 'fhirSearch'] as const)
        : (['fhirRead', 'restRead', 'fhirSearch', 'restSearch'] as const);
    const line: string[] = [];
    for (const name of order) {
      const result = await load(urls[name]);
      p99[name].push(result.p99);
      failures += result.failures;
      line.push(`${name} p99 ${result.p99.toFixed(0)} ms (${result.rps.toFixed(0)}/s)`);
    }
    ctx.log(`round ${round + 1}: ${line.join('; ')}`);
  }
  const rows: Row[] = [
    comparison(
      `GET /fhir/R4/Patient/{id} p99 at c=${CONCURRENCY}`,
      median(p99.fhirRead),
      median(p99.restRead),
      'ms',
      '<=',
      1.2,
      'GET /api/patients/{id} p99',
    ),
    comparison(
      `FHIR search page (name, _count=${PAGE}) p99 at c=${CONCURRENCY}`,
      median(p99.fhirSearch),
      median(p99.restSearch),
      'ms',
      '<=',
      1.2,
      `/api/patients?search= page p99`,
    ),
  ];
  if (failures) rows.push(figure('failed requests during the FHIR rounds', failures));
  return {
    rows,
    notes: [
      `autocannon, ${CONCURRENCY} connections, ${ctx.seconds} s per round, the demo admin's token; one record read by id; searches by a last-name prefix that ${MATCHES} records share (a full page of ${PAGE} and a next link in both views). REST and FHIR rounds alternate.`,
    ],
  };
}

const module: BenchModule = { name: 'fhir', run };
export default module;
