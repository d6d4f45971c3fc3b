// A minimal page over the search API: the query lives in the URL so a search can be shared.
const form = document.getElementById('search');
const status = document.getElementById('status');

function escapeText(text) {
  const div = document.createElement('div');
  div.textContent = text;
  return div.innerHTML;
}

async function run() {
  const params = new URLSearchParams(new FormData(form));
  for (const [key, value] of [...params]) if (!value) params.delete(key);
  history.replaceState(null, '', `?${params}`);
  const timeline = params.get('timeline');
  params.delete('timeline');
  const response = await fetch(`/v1/timelines/${encodeURIComponent(timeline)}/search?${params}`);
  const body = await response.json();
  if (!response.ok) {
    status.innerHTML = `<span class="error">${escapeText(body.detail ?? 'search failed')}</span>`;
    return;
  }
  status.textContent = `${body.total} events, ${body.took} ms`;
  const max = Math.max(1, ...body.histogram.buckets.map((bucket) => bucket.count));
  document.getElementById('histogram').innerHTML = body.histogram.buckets
    .map((bucket) => `<div style="height:${(100 * bucket.count) / max}%" title="${escapeText(bucket.label)}: ${bucket.count}"></div>`)
    .join('');
  document.getElementById('facets').innerHTML = [...body.facets.tags, ...body.facets.places]
    .map((facet) => `<span>${escapeText(facet.value)} ${facet.count}</span>`)
    .join('');
  // titleHtml and snippet are escaped by the API, with only <mark> added.
  document.getElementById('hits').innerHTML = body.hits
    .map((hit) => `<article class="hit"><time>${escapeText(hit.date.display)}</time><strong>${hit.titleHtml}</strong><p>${hit.snippet}</p></article>`)
    .join('');
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  run();
});
for (const [key, value] of new URLSearchParams(location.search)) if (form.elements[key]) form.elements[key].value = value;
run();
