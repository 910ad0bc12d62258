// Pure HTML builders for the dashboard: data in, markup out. Every value from the simulator
// goes through `esc`, so an order description cannot inject markup into the page.

// States in which the payer can still act; other orders keep these controls folded away.
const PAYABLE = ['NOTPAY', 'USERPAYING', 'ACCEPT'];
const BANKS = ['OTHERS', 'CMB_DEBIT', 'ICBC_DEBIT', 'CCB_CREDIT', 'CFT'];

/** Escapes text for HTML content and attribute values. */
export function esc(value) {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Simulator time (ms) as a wall-clock time of day. */
export function clock(ms) {
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
}

function yuan(fen, currency) {
  return `${(fen / 100).toFixed(2)} ${esc(currency ?? 'CNY')}`;
}

function stateClass(state) {
  if (['SUCCESS', 'REFUND'].includes(state)) return 'ok';
  if (['PAYERROR', 'CLOSED', 'REVOKED', 'ABNORMAL'].includes(state)) return 'bad';
  if (['USERPAYING', 'PROCESSING', 'ACCEPT'].includes(state)) return 'wait';
  return '';
}

function badge(state) {
  return `<span class="badge ${stateClass(state)}" data-state>${esc(state)}</span>`;
}

function history(steps) {
  return steps.map((s) => `${esc(s.state)} <span>${esc(clock(s.at))}</span>`).join(' → ');
}

function options(values) {
  return values.map((v) => `<option>${esc(v)}</option>`).join('');
}

/** The merchant line of the header: ids only, secrets masked by the server. */
export function renderMerchant(m) {
  return `mchId <code>${esc(m.mchId)}</code> · appId <code>${esc(m.appId)}</code> · serial <code>${esc(m.certificateSerial.slice(0, 12))}…</code> · API key <code>${esc(m.apiKey)}</code> · APIv3 key <code>${esc(m.apiV3Key)}</code>`;
}

function refundRow(r) {
  const done = r.status !== 'PROCESSING';
  return `<tr data-refund="${esc(r.outRefundNo)}">
    <td><code>${esc(r.outRefundNo)}</code></td>
    <td>${yuan(r.refund)}</td>
    <td>${badge(r.status)}<div class="history">${history(r.history)}</div></td>
    <td>${
      done
        ? ''
        : ['SUCCESS', 'CLOSED', 'ABNORMAL']
            .map(
              (s) =>
                `<button data-action="refund" data-refund-no="${esc(r.outRefundNo)}" data-status="${s}">${s}</button>`,
            )
            .join(' ')
    }</td>
  </tr>`;
}

/**
 * One order card with its controls, refunds and (Native) QR code; `faultKinds` are the faults
 * it offers to inject (the server's list from the overview, so the page never offers one the
 * control surface refuses).
 */
export function renderOrder(o, faultKinds) {
  const no = esc(o.outTradeNo);
  const id = `o-${encodeURIComponent(o.outTradeNo)}`;
  const payable = PAYABLE.includes(o.state);
  const qr = o.codeUrl
    ? `<div class="qr"><canvas data-qr="${esc(o.codeUrl)}" aria-label="QR code of ${esc(o.codeUrl)}"></canvas>
        ${payable ? `<button class="primary" data-action="scan" data-order="${no}">Scan &amp; pay</button>` : ''}</div>`
    : '';
  const facts = [
    ['description', esc(o.description)],
    ['amount', yuan(o.total, o.currency)],
    o.codeUrl && ['code_url', `<code>${esc(o.codeUrl)}</code>`],
    o.transactionId && ['transaction', `<code>${esc(o.transactionId)}</code>`],
    o.bankType && ['bank', esc(o.bankType)],
    o.coupons.length > 0 && [
      'coupons',
      o.coupons.map((c) => `${esc(c.type)} ${yuan(c.amount)}`).join(', '),
    ],
    o.stateDescription && ['note', esc(o.stateDescription)],
    [
      'notify',
      o.notifyUrl ? `<code>${esc(o.notifyUrl)}</code>` : '<span class="muted">none</span>',
    ],
  ].filter(Boolean);
  const refunds =
    o.refunds.length === 0
      ? ''
      : `<table class="refunds"><thead><tr><th>refund</th><th>amount</th><th>status</th><th>complete</th></tr></thead>
          <tbody>${o.refunds.map(refundRow).join('')}</tbody></table>`;
  const payer = `<div class="controls">
      <button class="primary" data-action="pay" data-order="${no}">Pay</button>
      <label>bank <select id="${id}-bank" data-keep>${options(BANKS)}</select></label>
      <label>coupon <select id="${id}-coupon-type" data-keep>${options(['CASH', 'NOCASH'])}</select></label>
      <input id="${id}-coupon" data-keep type="number" min="0" step="1" placeholder="fen" aria-label="coupon amount in fen" />
      <button data-action="fail" data-order="${no}">Fail</button>
      <button data-action="user-paying" data-order="${no}">USERPAYING</button>
      <button data-action="expire" data-order="${no}">Expire</button>
    </div>`;
  return `<article class="card" data-order="${no}">
    <div class="card-head">
      <span class="no">${no}</span>
      <span class="badge proto">${esc(o.via)}</span>
      <span class="badge proto">${esc(o.tradeType)}</span>
      ${badge(o.state)}
    </div>
    <div class="history" data-history>${history(o.history)}</div>
    <div class="card-body">
      <div class="facts"><dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></div>
      ${qr}
    </div>
    ${payable ? payer : `<details id="${id}-payer" data-keep-open><summary>payer actions (order is ${esc(o.state)})</summary>${payer}</details>`}
    <div class="controls">
      <span class="muted">fault on the next ${esc(o.via)} call:</span>
      <select id="${id}-fault" data-keep>${options(faultKinds)}</select>
      <button data-action="fault" data-order="${no}" data-via="${esc(o.via)}">Inject</button>
    </div>
    ${refunds}
  </article>`;
}

/** One notification with all its delivery attempts. */
export function renderDelivery(d) {
  const rows = d.attempts
    .map(
      (a) => `<tr>
        <td>#${a.attempt}</td>
        <td>${esc(clock(a.at))}</td>
        <td>${a.status === undefined ? '—' : esc(a.status)}</td>
        <td class="answer">${esc(a.error ?? a.answer ?? '')}</td>
        <td>${a.acknowledged ? '<span class="badge ok">ack</span>' : '<span class="badge bad">no ack</span>'}</td>
      </tr>`,
    )
    .join('');
  return `<div class="delivery" data-delivery="${esc(d.id)}" data-order="${esc(d.outTradeNo)}">
    <div class="card-head">
      <span class="badge proto">${esc(d.protocol)}</span>
      <strong>${esc(d.type)}</strong>
      <code>${esc(d.outRefundNo ?? d.outTradeNo)}</code>
      ${d.acknowledged ? '<span class="badge ok">acknowledged</span>' : '<span class="badge bad">not acknowledged</span>'}
      <button data-action="redeliver" data-id="${esc(d.id)}">Redeliver</button>
    </div>
    <table><thead><tr><th>attempt</th><th>time</th><th>HTTP</th><th>merchant's answer</th><th></th></tr></thead>
      <tbody>${rows}</tbody></table>
  </div>`;
}

/** The request log; faulted requests are marked. */
export function renderRequests(requests) {
  if (requests.length === 0) return '<p class="empty">None yet.</p>';
  const rows = requests
    .map(
      (r) => `<tr class="${r.fault ? 'faulted' : ''}">
        <td>${esc(clock(r.at))}</td><td>${esc(r.protocol)}</td><td>${esc(r.method)}</td>
        <td><code>${esc(r.path)}</code></td><td>${r.status === undefined ? '—' : esc(r.status)}</td>
        <td>${r.fault ? `<span class="badge bad">${esc(r.fault)}</span>` : ''}</td>
      </tr>`,
    )
    .join('');
  return `<table><thead><tr><th>time</th><th></th><th></th><th>path</th><th>HTTP</th><th>fault</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Pending faults and the button that clears them. */
export function renderFaults(faults) {
  if (faults.length === 0)
    return '<p class="empty">No pending fault. Inject one from an order card.</p>';
  const items = faults
    .map(
      (f) =>
        `<li><span class="badge bad">${esc(f.kind)}</span> ${esc(f.protocol ?? 'any protocol')} ${f.path ? `<code>${esc(f.path)}</code>` : ''}</li>`,
    )
    .join('');
  return `<ul>${items}</ul><button data-action="clear-faults">Clear faults</button>`;
}
