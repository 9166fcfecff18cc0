/**
 * The billing account of a patient and the rules for a request to open one.
 * Plain TypeScript: no gRPC, no AWS SDK, so the rules are testable on their own.
 */
import { isEmailAddress } from '../../../system/email-rule';

export const ACCOUNT_STATUS = 'ACTIVE';

export interface BillingAccount {
  accountId: string;
  patientId: string;
  status: typeof ACCOUNT_STATUS;
  createdAt: string;
}

/** Whom to bill; stored with the account, never logged. */
export interface BillingContact {
  name: string;
  email: string;
}

export interface OpenAccountRequest extends BillingContact {
  patientId: string;
}

/**
 * Upper bounds well above any real value, so an abusive request is refused rather than stored. A name holds every
 * patient's the API accepts (first and last name, 100 characters each, and the space between).
 */
export const LIMITS = { patientId: 128, name: 256, email: 320 } as const;

/** A request the service refuses; the message names the field and the rule, never its value. */
export class InvalidBillingRequest extends Error {
  override readonly name = 'InvalidBillingRequest';
}

// Control characters never belong in an id, a name or an address, and would corrupt logs and exports.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function checkField(field: keyof typeof LIMITS, value: string): void {
  if (value.length > LIMITS[field])
    throw new InvalidBillingRequest(`${field} is longer than ${LIMITS[field]} characters`);
  if (CONTROL_CHARACTERS.test(value)) throw new InvalidBillingRequest(`${field} contains control characters`);
}

export function validatePatientId(patientId: string): string {
  if (patientId.trim() === '') throw new InvalidBillingRequest('patientId is required');
  checkField('patientId', patientId);
  return patientId;
}

/**
 * A request to open an account: a patientId, a name that is not blank, and an email address under the
 * project's one rule (the one the API applies). Name and email come back trimmed, as the API stores them.
 */
export function validateOpenAccountRequest(request: OpenAccountRequest): OpenAccountRequest {
  validatePatientId(request.patientId);
  checkField('name', request.name);
  checkField('email', request.email);
  const name = request.name.trim();
  const email = request.email.trim();
  if (name === '') throw new InvalidBillingRequest('name is required');
  if (!isEmailAddress(email)) throw new InvalidBillingRequest('email must be a valid email address');
  return { patientId: request.patientId, name, email };
}
