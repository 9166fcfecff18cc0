/** The Bundles FHIR routes answer: a search page (`searchset`) and a record's versions (`history`). */
import type { Bundle, BundleLink } from '@medplum/fhirtypes';
import type { Patient, PatientPage } from '../schemas';
import { toFhirPatient } from './patient-resource';

export const weakEtag = (version: number): string => `W/"${version}"`;

/**
 * A page of search results. `query` is the search as the client wrote it, without `_cursor`: `next` is that
 * search with the cursor of the next page, so fetching it with the same token gives the next page.
 */
export function searchBundle(
  page: PatientPage,
  base: string,
  query: URLSearchParams,
  cursor: string | undefined,
): Bundle {
  const url = (at: string | undefined) => {
    const params = new URLSearchParams(query);
    if (at !== undefined) params.set('_cursor', at);
    const text = params.toString();
    return `${base}/Patient${text ? `?${text}` : ''}`;
  };
  const link: BundleLink[] = [{ relation: 'self', url: url(cursor) }];
  if (page.nextCursor) link.push({ relation: 'next', url: url(page.nextCursor) });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    link,
    entry: page.patients.map((p) => ({
      fullUrl: `${base}/Patient/${p.id}`,
      resource: toFhirPatient(p),
      search: { mode: 'match' },
    })),
  };
}

/** Every version of a record, newest first, each with the interaction that made it (version 1: the create). */
export function historyBundle(versions: Patient[], base: string, id: string): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'history',
    total: versions.length,
    link: [{ relation: 'self', url: `${base}/Patient/${id}/_history` }],
    entry: versions.map((v) => ({
      fullUrl: `${base}/Patient/${v.id}`,
      resource: toFhirPatient(v),
      request: v.version === 1 ? { method: 'POST', url: 'Patient' } : { method: 'PUT', url: `Patient/${v.id}` },
      response: { status: v.version === 1 ? '201' : '200', etag: weakEtag(v.version), lastModified: v.updatedAt },
    })),
  };
}
