/*
 * The local dashboard's script (a file of its own: the page's Content-Security-Policy allows no inline script).
 * The access token lives in this page's memory only, never in storage that other scripts of the origin can read:
 * a reload asks to sign in again.
 */
'use strict';
let token = null;

function barChart(element, entries, name) {
  const barHeight = 18,
    gap = 6,
    labelWidth = Math.max(90, 7 * Math.max(0, ...entries.map(([label]) => String(label).length)));
  const width = labelWidth + 250;
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', width);
  svg.setAttribute('height', Math.max(24, entries.length * (barHeight + gap)));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', name);
  entries.forEach(([label, value], i) => {
    const y = i * (barHeight + gap);
    const text = document.createElementNS(ns, 'text');
    text.setAttribute('x', 0);
    text.setAttribute('y', y + 13);
    text.textContent = label;
    const rect = document.createElementNS(ns, 'rect');
    rect.setAttribute('x', labelWidth);
    rect.setAttribute('y', y);
    rect.setAttribute('width', Math.max(1, ((width - labelWidth - 40) * value) / max));
    rect.setAttribute('height', barHeight);
    rect.setAttribute('fill', '#457b9d');
    const count = document.createElementNS(ns, 'text');
    count.setAttribute('x', labelWidth + ((width - labelWidth - 40) * value) / max + 4);
    count.setAttribute('y', y + 13);
    count.textContent = String(value);
    const group = document.createElementNS(ns, 'g');
    group.setAttribute('data-label', label);
    group.setAttribute('data-value', String(value));
    group.append(text, rect, count);
    svg.append(group);
  });
  element.replaceChildren(entries.length ? svg : document.createTextNode('no data yet'));
}

function renderBilling(billing) {
  document.querySelector('[data-testid=billing-accountsOpened]').textContent = billing.accountsOpened;
  const rows = Object.entries(billing.currencies)
    .sort()
    .map(([currency, f]) => {
      const row = document.createElement('tr');
      row.dataset.currency = currency;
      for (const [name, value] of [
        ['currency', currency],
        ['charged', f.charged],
        ['paid', f.paid],
        ['refunded', f.refunded],
        ['outstanding', f.outstanding],
      ]) {
        const cell = document.createElement(name === 'currency' ? 'th' : 'td');
        cell.dataset.field = name;
        cell.textContent = String(value);
        row.append(cell);
      }
      return row;
    });
  document.getElementById('billing-currencies').replaceChildren(...rows);
  const days = billing.byDay.slice(-14).flatMap((d) => [
    [d.date + ' ' + d.currency + ' charged', d.charged],
    [d.date + ' ' + d.currency + ' paid', d.paid],
    [d.date + ' ' + d.currency + ' refunded', d.refunded],
  ]);
  barChart(document.getElementById('chart-billing-days'), days, 'billing by day');
}

function render(figures) {
  document.querySelector('[data-testid=totalPatients]').textContent = figures.totalPatients;
  document.querySelector('[data-testid=eventsProcessed]').textContent = figures.eventsProcessed;
  document.querySelector('[data-testid=lastEventAt]').textContent = figures.lastEventAt ?? '–';
  barChart(
    document.getElementById('chart-days'),
    figures.registrationsByDay.slice(-14).map((d) => [d.date, d.count]),
    'registrations by day',
  );
  barChart(document.getElementById('chart-state'), Object.entries(figures.byState).sort(), 'by state');
  barChart(document.getElementById('chart-age'), Object.entries(figures.byAgeBand), 'by age band');
  barChart(document.getElementById('chart-gender'), Object.entries(figures.byGender).sort(), 'by gender');
  renderBilling(figures.billing ?? { accountsOpened: 0, currencies: {}, byDay: [] });
  document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  document.body.dataset.loaded = 'true';
}

async function refresh() {
  if (!token) return;
  const response = await fetch('/api/analytics', { headers: { Authorization: 'Bearer ' + token } });
  if (response.status === 401) {
    token = null;
    document.getElementById('error').textContent = 'Session expired: sign in again.';
    return;
  }
  if (!response.ok) {
    document.getElementById('error').textContent = (await response.json()).detail;
    return;
  }
  document.getElementById('error').textContent = '';
  render(await response.json());
}

document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const response = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      email: document.getElementById('email').value,
      password: document.getElementById('password').value,
    }),
  });
  const body = await response.json();
  if (!response.ok) {
    document.getElementById('error').textContent = body.detail;
    return;
  }
  token = body.accessToken;
  await refresh();
});

refresh();
setInterval(refresh, 5000);
