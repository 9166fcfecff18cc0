/**
 * FHIR errors: every error a FHIR route answers is an OperationOutcome with the HTTP status; an issue about
 * one element names it in `expression` (a FHIRPath such as `Patient.birthDate`).
 */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

export type IssueCode = OperationOutcomeIssue['code'];

export interface FhirIssue {
  code: IssueCode;
  diagnostics: string;
  /** The element the issue is about, as a FHIRPath (`Patient.name[0].family`). */
  expression?: string;
}

/** An error a FHIR route throws on purpose; `status` makes the audit trail record it as INVALID when 4xx. */
export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly issues: FhirIssue[],
  ) {
    super(issues[0]?.diagnostics ?? 'FHIR error');
    this.name = 'FhirError';
  }
}

export const invalid = (diagnostics: string, expression?: string, code: IssueCode = 'invalid') =>
  new FhirError(400, [{ code, diagnostics, ...(expression ? { expression } : {}) }]);

/** The issue code that best names an HTTP error status (FHIR R4 IssueType). */
const CODE_OF_STATUS: Record<number, IssueCode> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-supported',
  406: 'not-supported',
  409: 'conflict',
  410: 'deleted',
  412: 'conflict',
  413: 'too-costly',
  415: 'not-supported',
  422: 'processing',
  429: 'throttled',
  503: 'transient',
  504: 'timeout',
};

export const issueCodeOf = (status: number): IssueCode => CODE_OF_STATUS[status] ?? 'exception';

export function operationOutcome(issues: FhirIssue[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map(({ code, diagnostics, expression }) => ({
      severity: 'error',
      code,
      diagnostics,
      ...(expression ? { expression: [expression] } : {}),
    })),
  };
}
