/** Analytics (staff): patients by day, state, age band and gender; billing flows by currency and day. */
import { useQuery } from '@tanstack/react-query';
import { api, fetchData } from '../api/client';
import { ChartFigure } from '../components/chart';
import { ErrorMessage, Loading } from '../components/status';
import { dateTime, majorUnits, money } from '../format';

const entries = (record: Record<string, number>) => Object.entries(record).sort(([a], [b]) => a.localeCompare(b));

export function AnalyticsPage() {
  const analytics = useQuery({
    queryKey: ['analytics'],
    queryFn: () => fetchData(() => api.GET('/api/analytics')),
    refetchInterval: 10_000,
  });
  if (analytics.isPending) return <Loading what="analytics" />;
  if (!analytics.data) return <ErrorMessage error={analytics.error} />;
  const a = analytics.data;
  const bar = (title: string, record: Record<string, number>) => {
    const sorted = entries(record);
    return (
      <ChartFigure
        title={title}
        kind="bar"
        labels={sorted.map(([k]) => k)}
        series={[{ label: 'Patients', values: sorted.map(([, v]) => v) }]}
      />
    );
  };
  const currencies = Object.entries(a.billing.currencies);
  return (
    <section>
      <h1>Analytics</h1>
      <dl className="figures">
        <div>
          <dt>Patients</dt>
          <dd>{a.totalPatients}</dd>
        </div>
        <div>
          <dt>Events processed</dt>
          <dd>{a.eventsProcessed}</dd>
        </div>
        <div>
          <dt>Last event</dt>
          <dd>{dateTime(a.lastEventAt)}</dd>
        </div>
        <div>
          <dt>Billing accounts opened</dt>
          <dd>{a.billing.accountsOpened}</dd>
        </div>
        {currencies.map(([currency, c]) => (
          <div key={currency}>
            <dt>Outstanding ({currency})</dt>
            <dd>{money(c.outstanding, currency)}</dd>
          </div>
        ))}
      </dl>
      <h2>Patients</h2>
      <div className="charts">
        <ChartFigure
          title="Registrations by day"
          kind="line"
          labels={a.registrationsByDay.map((d) => d.date)}
          series={[{ label: 'Registrations', values: a.registrationsByDay.map((d) => d.count) }]}
        />
        {bar('Patients by state', a.byState)}
        {bar('Patients by age band', a.byAgeBand)}
        {bar('Patients by gender', a.byGender)}
      </div>
      <h2>Billing</h2>
      <div className="charts">
        {currencies.map(([currency]) => {
          const days = a.billing.byDay.filter((d) => d.currency === currency);
          const major = (minor: number) => majorUnits(minor, currency);
          return (
            <ChartFigure
              key={currency}
              title={`Billing by day (${currency})`}
              kind="bar"
              labels={days.map((d) => d.date)}
              series={[
                { label: 'Charged', values: days.map((d) => major(d.charged)) },
                { label: 'Paid', values: days.map((d) => major(d.paid)) },
                { label: 'Refunded', values: days.map((d) => major(d.refunded)) },
              ]}
            />
          );
        })}
        {currencies.length === 0 && <p>No billing activity yet.</p>}
      </div>
    </section>
  );
}
