/** One patient: the record, the billing account and its transactions, the version history and who saw it. */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { api, call, fetchData, type Patient } from '../api/client';
import { ErrorMessage, Loading } from '../components/status';
import { Table } from '../components/table';
import { dateTime } from '../format';
import { isAdmin, isStaff, useSession } from '../session';
import { BillingSection } from './billing';

export function PatientPage({ id }: { id: string }) {
  const session = useSession();
  const path = { params: { path: { id } } };
  const patient = useQuery({
    queryKey: ['patient', id],
    queryFn: () => fetchData(() => api.GET('/api/patients/{id}', path)),
  });
  if (patient.isPending) return <Loading what="the record" />;
  if (!patient.data) return <ErrorMessage error={patient.error} />;
  const p = patient.data;
  return (
    <article>
      <div className="title-row">
        <h1>
          {p.firstName} {p.lastName}
        </h1>
        {isStaff(session) && (
          <Link className="button" href={`/patients/${id}/edit`}>
            Edit patient
          </Link>
        )}
        {isAdmin(session) && <DeletePatient patient={p} />}
      </div>
      <RecordSection patient={p} />
      <BillingSection patientId={id} canRecord={isStaff(session)} />
      <HistorySection id={id} />
      {(isAdmin(session) || session?.role === 'patient') && <AccessSection id={id} />}
    </article>
  );
}

function RecordSection({ patient: p }: { patient: Patient }) {
  const rows: [string, string][] = [
    ['Email', p.email],
    ['Date of birth', p.dateOfBirth],
    ['Address', `${p.address.street}, ${p.address.city}, ${p.address.state} ${p.address.zipCode}`],
    ['Phone number', p.phoneNumber ?? '—'],
    ['Gender', p.gender ?? '—'],
    ['Registered', p.registeredDate],
    ['Billing', p.billingStatus],
    ['Version', String(p.version)],
    ['Last updated', dateTime(p.updatedAt)],
  ];
  return (
    <section aria-labelledby="record-heading">
      <h2 id="record-heading">Record</h2>
      <dl className="record">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** Two steps, on the page itself (no browser dialog): the record is then gone from every list. */
function DeletePatient({ patient }: { patient: Patient }) {
  const [confirming, setConfirming] = useState(false);
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () =>
      call(() =>
        api.DELETE('/api/patients/{id}', {
          params: { path: { id: patient.id } },
          headers: { 'If-Match': `"${patient.version}"` },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['patients'] });
      navigate('/patients');
    },
  });
  if (!confirming)
    return (
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Delete patient
      </button>
    );
  return (
    <div className="confirm" role="group" aria-label="Confirm deletion">
      <span>Delete this record?</span>
      <button type="button" className="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
        Confirm delete
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        Keep it
      </button>
      <ErrorMessage error={remove.error} />
    </div>
  );
}

function HistorySection({ id }: { id: string }) {
  const history = useQuery({
    queryKey: ['patient', id, 'history'],
    queryFn: () => fetchData(() => api.GET('/api/patients/{id}/history', { params: { path: { id } } })),
  });
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <ErrorMessage error={history.error} />
      {history.isPending ? (
        <Loading what="the history" />
      ) : (
        history.data && (
          <Table
            label="History"
            columns={['Version', 'Updated', 'Name', 'Email', 'Address']}
            items={history.data.versions}
            rowKey={(v) => v.version}
            cells={(v) => [
              v.version,
              dateTime(v.updatedAt),
              `${v.firstName} ${v.lastName}`,
              v.email,
              `${v.address.street}, ${v.address.city}, ${v.address.state}`,
            ]}
          />
        )
      )}
    </section>
  );
}

function AccessSection({ id }: { id: string }) {
  const audit = useQuery({
    queryKey: ['patient', id, 'audit'],
    queryFn: () =>
      fetchData(() => api.GET('/api/patients/{id}/audit', { params: { path: { id }, query: { limit: 50 } } })),
  });
  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">Who saw this record</h2>
      <ErrorMessage error={audit.error} />
      {audit.isPending ? (
        <Loading what="the access log" />
      ) : (
        audit.data && (
          <Table
            label="Who saw this record"
            columns={['When', 'Who', 'Role', 'Action', 'Outcome']}
            items={audit.data.entries}
            rowKey={(e) => e.id}
            cells={(e) => [dateTime(e.at), <code>{e.actorId}</code>, e.actorRole, e.action, e.outcome]}
          />
        )
      )}
    </section>
  );
}
