/**
 * Create and edit a patient. The API validates: its message for a field shows at that field. An edit
 * sends the version it started from (If-Match); a 412 says the record changed meanwhile and offers to reload it.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { api, ApiError, call, fetchData, type Patient, type PatientInput } from '../api/client';
import { SelectField, TextField } from '../components/fields';
import { ErrorMessage, Loading } from '../components/status';

type Values = Record<
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'dateOfBirth'
  | 'street'
  | 'city'
  | 'state'
  | 'zipCode'
  | 'phoneNumber'
  | 'gender',
  string
>;

const EMPTY: Values = {
  firstName: '',
  lastName: '',
  email: '',
  dateOfBirth: '',
  street: '',
  city: '',
  state: '',
  zipCode: '',
  phoneNumber: '',
  gender: '',
};

const valuesOf = (p: Patient): Values => ({
  firstName: p.firstName,
  lastName: p.lastName,
  email: p.email,
  dateOfBirth: p.dateOfBirth,
  ...p.address,
  phoneNumber: p.phoneNumber ?? '',
  gender: p.gender ?? '',
});

function inputOf(v: Values): PatientInput {
  return {
    firstName: v.firstName,
    lastName: v.lastName,
    email: v.email,
    dateOfBirth: v.dateOfBirth,
    address: { street: v.street, city: v.city, state: v.state, zipCode: v.zipCode },
    ...(v.phoneNumber.trim() ? { phoneNumber: v.phoneNumber } : {}),
    ...(v.gender ? { gender: v.gender as PatientInput['gender'] } : {}),
  };
}

const FIELDS: [keyof Values, string, string?][] = [
  ['firstName', 'First name', 'given-name'],
  ['lastName', 'Last name', 'family-name'],
  ['email', 'Email', 'email'],
  ['dateOfBirth', 'Date of birth'],
  ['street', 'Street', 'street-address'],
  ['city', 'City', 'address-level2'],
  ['state', 'State', 'address-level1'],
  ['zipCode', 'ZIP code', 'postal-code'],
  ['phoneNumber', 'Phone number', 'tel'],
];
const GENDERS: [string, string][] = [
  ['', 'Not given'],
  ['female', 'Female'],
  ['male', 'Male'],
  ['other', 'Other'],
  ['unknown', 'Unknown'],
];

interface FormProps {
  initial: Values;
  heading: string;
  save: (input: PatientInput) => Promise<Patient>;
  conflict?: { onReload: () => void };
}

function PatientForm({ initial, heading, save, conflict }: FormProps) {
  const [values, setValues] = useState(initial);
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: () => save(inputOf(values)),
    onSuccess: (patient) => {
      queryClient.setQueryData(['patient', patient.id], patient);
      void queryClient.invalidateQueries({ queryKey: ['patients'] });
      navigate(`/patients/${patient.id}`);
    },
  });
  const error = mutation.error instanceof ApiError ? mutation.error : undefined;
  // API field paths: `address.city` is the City field.
  const fieldErrors = Object.fromEntries(
    Object.entries(error?.fieldErrors ?? {}).map(([f, m]) => [f.replace(/^address\./, ''), m]),
  );
  const unplaced = Object.keys(fieldErrors).filter((f) => !(f in EMPTY));
  const set = (name: keyof Values) => (e: { target: { value: string } }) =>
    setValues({ ...values, [name]: e.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };

  return (
    <section>
      <h1>{heading}</h1>
      <form onSubmit={submit} noValidate className="record-form">
        {FIELDS.map(([name, label, autoComplete]) => (
          <TextField
            key={name}
            label={label}
            name={name}
            value={values[name]}
            onChange={set(name)}
            error={fieldErrors[name]}
            autoComplete={autoComplete}
            {...(name === 'dateOfBirth' ? { placeholder: 'YYYY-MM-DD', inputMode: 'numeric' as const } : {})}
          />
        ))}
        <SelectField
          label="Gender"
          name="gender"
          value={values.gender}
          onChange={set('gender')}
          options={GENDERS}
          error={fieldErrors.gender}
        />
        {error?.status === 412 && conflict ? (
          <div role="alert" className="error">
            <p>
              This record was changed by someone else while you were editing it. Reload it to see the latest version,
              then make your change again.
            </p>
            <button
              type="button"
              onClick={() => {
                mutation.reset();
                conflict.onReload();
              }}
            >
              Reload record
            </button>
          </div>
        ) : (
          error &&
          (error.status !== 400 || unplaced.length > 0) && (
            <p role="alert" className="error">
              {error.message}
              {unplaced.map((f) => ` ${f}: ${fieldErrors[f]}`).join(';')}
            </p>
          )
        )}
        {error?.status === 400 && unplaced.length === 0 && (
          <p role="alert" className="error">
            Please correct the fields marked above.
          </p>
        )}
        <div className="actions">
          <button type="submit" disabled={mutation.isPending}>
            Save
          </button>
          <Link href="/patients">Cancel</Link>
        </div>
      </form>
    </section>
  );
}

export function NewPatientPage() {
  return (
    <PatientForm
      heading="New patient"
      initial={EMPTY}
      save={(body) => fetchData(() => api.POST('/api/patients', { body }))}
    />
  );
}

export function EditPatientPage({ id }: { id: string }) {
  const queryClient = useQueryClient();
  // Always read afresh: the version the edit starts from is the one If-Match names.
  const patient = useQuery({
    queryKey: ['patient', id],
    queryFn: () => fetchData(() => api.GET('/api/patients/{id}', { params: { path: { id } } })),
    staleTime: 0,
  });
  if (patient.isPending) return <Loading what="the record" />;
  if (!patient.data) return <ErrorMessage error={patient.error} />;
  const { version } = patient.data;
  const save = async (body: PatientInput) =>
    (
      await call(() =>
        api.PUT('/api/patients/{id}', {
          params: { path: { id } },
          body,
          headers: { 'If-Match': `"${version}"` },
        }),
      )
    ).data;
  const reload = () => void queryClient.invalidateQueries({ queryKey: ['patient', id] });
  // A new version remounts the form with its values.
  return (
    <PatientForm
      key={version}
      heading={`Edit ${patient.data.firstName} ${patient.data.lastName}`}
      initial={valuesOf(patient.data)}
      save={save}
      conflict={{ onReload: reload }}
    />
  );
}
