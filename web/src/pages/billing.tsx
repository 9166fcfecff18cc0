/** A patient's billing account: balance and totals, the transactions (newest first), and (staff) a form to record one. */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, fetchData } from '../api/client';
import { SelectField, TextField } from '../components/fields';
import { useCursorPages } from '../components/cursor-pages';
import { TableScroll } from '../components/table';
import { ErrorMessage, Loading, Pager } from '../components/status';
import { dateTime, money, toMinor } from '../format';

export function BillingSection({ patientId, canRecord }: { patientId: string; canRecord: boolean }) {
  const path = { path: { id: patientId } };
  const account = useQuery({
    queryKey: ['billing', patientId],
    queryFn: () => fetchData(() => api.GET('/api/patients/{id}/billing', { params: path })),
  });
  const pages = useCursorPages(patientId);
  const query = { limit: 20, ...(pages.cursor ? { cursor: pages.cursor } : {}) };
  const transactions = useQuery({
    queryKey: ['billing', patientId, 'transactions', query],
    queryFn: () => fetchData(() => api.GET('/api/patients/{id}/billing/transactions', { params: { ...path, query } })),
  });
  const a = account.data;
  return (
    <section aria-labelledby="billing-heading">
      <h2 id="billing-heading">Billing account</h2>
      <ErrorMessage error={account.error} />
      {account.isPending ? (
        <Loading what="the billing account" />
      ) : (
        a && (
          <dl className="record">
            <div>
              <dt>Balance</dt>
              <dd data-testid="balance">{money(a.balance, a.currency)}</dd>
            </div>
            <div>
              <dt>Charged</dt>
              <dd>{money(a.totalCharged, a.currency)}</dd>
            </div>
            <div>
              <dt>Paid</dt>
              <dd>{money(a.totalPaid, a.currency)}</dd>
            </div>
            <div>
              <dt>Refunded</dt>
              <dd>{money(a.totalRefunded, a.currency)}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>{a.status === 'PENDING' ? 'Being opened' : 'Active'}</dd>
            </div>
          </dl>
        )
      )}
      <h3>Transactions</h3>
      <ErrorMessage error={transactions.error} />
      {transactions.isPending ? (
        <Loading what="transactions" />
      ) : (
        transactions.data && (
          <>
            <TableScroll label="Transactions">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Date</th>
                    <th scope="col">Type</th>
                    <th scope="col">Description</th>
                    <th scope="col">Amount</th>
                    <th scope="col">Balance after</th>
                  </tr>
                </thead>
                <tbody>
                  {transactions.data.transactions.map((t) => (
                    <tr key={t.id}>
                      <td>{t.serviceDate ?? dateTime(t.createdAt)}</td>
                      <td>{t.type}</td>
                      <td>{t.description}</td>
                      <td>{money(t.amount, t.currency)}</td>
                      <td>{money(t.balanceAfter, t.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            {transactions.data.transactions.length === 0 && <p>No transactions yet.</p>}
            <Pager
              page={pages.page}
              hasNext={Boolean(transactions.data.nextCursor)}
              onPrevious={pages.previous}
              onNext={() => pages.next(transactions.data.nextCursor!)}
            />
          </>
        )
      )}
      {canRecord && a && <TransactionForm patientId={patientId} currency={a.currency} />}
    </section>
  );
}

const TYPES: [string, string][] = [
  ['CHARGE', 'Charge'],
  ['PAYMENT', 'Payment'],
  ['REFUND', 'Refund'],
];

function TransactionForm({ patientId, currency }: { patientId: string; currency: string }) {
  const empty = { type: 'CHARGE', amount: '', description: '', serviceDate: '' };
  const [values, setValues] = useState(empty);
  const queryClient = useQueryClient();
  const record = useMutation({
    mutationFn: () =>
      fetchData(() =>
        api.POST('/api/patients/{id}/billing/transactions', {
          // One key per attempt: the API records a retried request once.
          params: { path: { id: patientId }, header: { 'Idempotency-Key': crypto.randomUUID() } },
          body: {
            type: values.type as 'CHARGE',
            amount: toMinor(values.amount, currency),
            description: values.description,
            ...(values.serviceDate ? { serviceDate: values.serviceDate } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setValues(empty);
      void queryClient.invalidateQueries({ queryKey: ['billing', patientId] });
    },
  });
  const error = record.error instanceof ApiError ? record.error : undefined;
  const fieldErrors = error?.fieldErrors ?? {};
  const set = (name: keyof typeof empty) => (e: { target: { value: string } }) =>
    setValues({ ...values, [name]: e.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    record.mutate();
  };
  return (
    <form onSubmit={submit} noValidate className="inline-form" aria-labelledby="record-transaction-heading">
      <h3 id="record-transaction-heading">Record a transaction</h3>
      <SelectField label="Type" value={values.type} onChange={set('type')} options={TYPES} error={fieldErrors.type} />
      <TextField
        label={`Amount (${currency})`}
        inputMode="decimal"
        value={values.amount}
        onChange={set('amount')}
        error={fieldErrors.amount}
      />
      <TextField
        label="Description"
        value={values.description}
        onChange={set('description')}
        error={fieldErrors.description}
      />
      <TextField
        label="Service date (optional)"
        placeholder="YYYY-MM-DD"
        value={values.serviceDate}
        onChange={set('serviceDate')}
        error={fieldErrors.serviceDate}
      />
      {error && Object.keys(fieldErrors).length === 0 && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {record.isSuccess && <p role="status">Recorded.</p>}
      <button type="submit" disabled={record.isPending}>
        Record transaction
      </button>
    </form>
  );
}
