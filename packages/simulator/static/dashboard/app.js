// The dashboard: renders GET overview, refreshes on each server-sent change event, and sends
// the controls to the simulator's JSON control surface. The server judges every action; the
// page shows its answer (success or the error message) and changes nothing on its own.
import { drawQr } from './qr.js';
import {
  renderDelivery,
  renderFaults,
  renderMerchant,
  renderOrder,
  renderRequests,
} from './render.js';

const $ = (id) => document.getElementById(id);

function show(text, isError) {
  const box = $('message');
  box.textContent = text;
  box.classList.toggle('error', isError);
  box.hidden = false;
}

// Re-rendering replaces the markup: keep what the user typed or chose meanwhile.
function keepInputs(render) {
  const kept = new Map();
  for (const el of document.querySelectorAll('[data-keep]')) kept.set(el.id, el.value);
  const open = [...document.querySelectorAll('details[data-keep-open][open]')].map((d) => d.id);
  const focused = document.activeElement?.id;
  render();
  for (const [id, value] of kept) {
    const el = document.getElementById(id);
    if (el) el.value = value;
  }
  for (const id of open) document.getElementById(id)?.setAttribute('open', '');
  if (focused) document.getElementById(focused)?.focus();
}

let loading = false;
let again = false;

async function refresh() {
  if (loading) {
    again = true;
    return;
  }
  loading = true;
  try {
    const res = await fetch('overview', { cache: 'no-store' });
    if (!res.ok) throw new Error(`overview answered HTTP ${res.status}`);
    const view = await res.json();
    keepInputs(() => {
      $('merchant').innerHTML = renderMerchant(view.merchant);
      $('orders').innerHTML =
        view.orders.length === 0
          ? '<p class="empty">No orders yet: create one with a client.</p>'
          : view.orders.map((o) => renderOrder(o, view.faultKinds)).join('');
      $('deliveries').innerHTML =
        view.deliveries.length === 0
          ? '<p class="empty">None yet.</p>'
          : view.deliveries.map(renderDelivery).join('');
      $('requests').innerHTML = renderRequests(view.requests);
      $('shown').textContent = shown(view);
      $('faults').innerHTML = renderFaults(view.pendingFaults);
    });
    for (const canvas of document.querySelectorAll('canvas[data-qr]')) {
      drawQr(canvas, canvas.dataset.qr);
    }
    document.body.dataset.loaded = 'true';
  } catch (error) {
    show(`Could not load the simulator's state: ${error.message}`, true);
  } finally {
    loading = false;
    if (again) {
      again = false;
      void refresh();
    }
  }
}

function shown(view) {
  const { orders, deliveries, requests } = view.totals;
  if (orders <= view.orders.length && deliveries <= view.deliveries.length) {
    return `${orders} orders · ${deliveries} notifications · ${requests} requests`;
  }
  return `newest ${view.orders.length} of ${orders} orders · ${deliveries} notifications · ${requests} requests`;
}

async function call(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(answer.error ?? `HTTP ${res.status}`);
  return answer;
}

function payBody(button) {
  const outTradeNo = button.dataset.order;
  const id = `o-${encodeURIComponent(outTradeNo)}`;
  const body = { outTradeNo };
  const bank = document.getElementById(`${id}-bank`)?.value;
  if (bank) body.bankType = bank;
  const coupon = document.getElementById(`${id}-coupon`)?.value;
  if (coupon) {
    body.coupons = [
      { type: document.getElementById(`${id}-coupon-type`)?.value, amount: Number(coupon) },
    ];
  }
  return body;
}

// Each action: what it is called in messages, and the control-surface request it sends.
const ACTIONS = {
  pay: (b) => ['pay', 'POST', 'pay', payBody(b)],
  scan: (b) => ['scan', 'POST', 'pay', { outTradeNo: b.dataset.order }],
  fail: (b) => ['fail', 'POST', 'fail', { outTradeNo: b.dataset.order }],
  'user-paying': (b) => ['USERPAYING', 'POST', 'user-paying', { outTradeNo: b.dataset.order }],
  expire: (b) => ['expire', 'POST', 'expire', { outTradeNo: b.dataset.order }],
  refund: (b) => [
    `refund ${b.dataset.status}`,
    'POST',
    'refunds/complete',
    { outRefundNo: b.dataset.refundNo, status: b.dataset.status },
  ],
  redeliver: (b) => ['redeliver', 'POST', 'redeliver', { id: b.dataset.id }],
  fault: (b) => [
    'inject fault',
    'POST',
    'faults',
    {
      kind: document.getElementById(`o-${encodeURIComponent(b.dataset.order)}-fault`)?.value,
      protocol: b.dataset.via,
    },
  ],
  'clear-faults': () => ['clear faults', 'DELETE', 'faults', undefined],
};

document.addEventListener('click', async (event) => {
  const button = event.target.closest?.('button[data-action]');
  if (!button) return;
  const action = ACTIONS[button.dataset.action];
  if (!action) return;
  const [label, method, path, body] = action(button);
  const target = button.dataset.order ?? button.dataset.refundNo ?? button.dataset.id ?? '';
  try {
    await call(method, path, body);
    show(`${label} ${target}: done`, false);
  } catch (error) {
    show(`${label} ${target} refused: ${error.message}`, true);
  }
  await refresh();
});

function listen() {
  const events = new EventSource('events');
  events.onopen = () => {
    $('live').textContent = 'live';
  };
  events.onerror = () => {
    $('live').textContent = 'reconnecting…';
  };
  events.addEventListener('change', () => void refresh());
}

// Unpaid orders close when their time passes, which no request announces: look now and then.
const EXPIRY_CHECK_MS = 10_000;

listen();
void refresh();
setInterval(() => void refresh(), EXPIRY_CHECK_MS);
