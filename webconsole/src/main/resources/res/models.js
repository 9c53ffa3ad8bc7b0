/*
 * The Models page of the OSGi Model Manager: polls data.json every two seconds and renders the table; posts
 * load / unload / clear-cache to action with the page's token. Text goes into the page through textContent only.
 */
(function () {
    'use strict';
    var container = document.getElementById('mm-models');
    if (!container) {
        return;
    }
    var root = container.getAttribute('data-root');
    var token = container.getAttribute('data-token');
    var rows = document.getElementById('mm-rows');
    var summary = document.getElementById('mm-summary');
    var message = document.getElementById('mm-message');
    var busy = false;

    function el(tag, className, text) {
        var e = document.createElement(tag);
        if (className) {
            e.className = className;
        }
        if (text !== undefined && text !== null) {
            e.textContent = String(text);
        }
        return e;
    }

    function bytes(n) {
        if (n === null || n === undefined || n < 0) {
            return '-';
        }
        var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
        var i = 0;
        while (n >= 1024 && i < units.length - 1) {
            n /= 1024;
            i++;
        }
        return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
    }

    function ms(v) {
        return v === null || v === undefined ? '-' : (v < 10 ? v.toFixed(2) : v.toFixed(0)) + ' ms';
    }

    function say(text, error) {
        message.textContent = text || '';
        message.className = 'mm-message' + (error ? ' mm-error' : '');
    }

    function cell(row, className) {
        var td = el('td', className);
        row.appendChild(td);
        return td;
    }

    function button(model, action, label, confirmText) {
        var b = el('button', 'ui-state-default ui-corner-all', label);
        b.type = 'button';
        b.setAttribute('data-action', action);
        b.setAttribute('data-model', model.id);
        b.addEventListener('click', function () {
            if (confirmText && !window.confirm(confirmText)) {
                return;
            }
            act(action, model.id);
        });
        return b;
    }

    function render(data) {
        summary.textContent = data.registered + ' model(s) registered, ' + data.loaded + ' loaded; providers: '
            + (data.providers.length ? data.providers.join(', ') : 'none');
        var fragment = document.createDocumentFragment();
        data.models.forEach(function (m) {
            var tr = el('tr');
            tr.setAttribute('data-model', m.id);
            var id = cell(tr, 'mm-model');
            id.appendChild(el('div', 'mm-id', m.id + (m['default'] ? ' (default)' : '')));
            id.appendChild(el('div', 'mm-sub', m.type + ' ' + m.name));

            var status = cell(tr, 'mm-status-cell');
            var s = el('span', 'mm-status mm-status-' + m.status, m.status);
            s.setAttribute('data-status', m.status);
            status.appendChild(s);
            if (m.reason) {
                status.appendChild(el('div', 'mm-sub mm-reason', m.reason));
            }
            if (m.progress) {
                status.appendChild(el('div', 'mm-sub', m.progress));
            }

            var refs = cell(tr, 'mm-refs');
            refs.appendChild(el('div', null, m.references));
            m.requesters.forEach(function (r) {
                refs.appendChild(el('div', 'mm-sub', r));
            });

            var device = cell(tr);
            device.appendChild(el('div', null, m.device || '-'));
            if (m.provider) {
                device.appendChild(el('div', 'mm-sub', m.provider + (m.workers ? ', ' + m.workers + ' worker(s)' : '')));
            }
            if (m.deviceNote) {
                device.appendChild(el('div', 'mm-sub', m.deviceNote));
            }

            var memory = cell(tr);
            memory.appendChild(el('div', null, bytes(m.memoryBytes)));
            if (m.estimatedMemoryBytes >= 0) {
                memory.appendChild(el('div', 'mm-sub', 'estimate ' + bytes(m.estimatedMemoryBytes)));
            }

            cell(tr).textContent = m.inFlight + ' running, ' + m.queued + ' queued';
            cell(tr, 'mm-cache').textContent = m.cache
                ? (m.cache.hitRate * 100).toFixed(1) + '% (' + m.cache.hits + '/' + (m.cache.hits + m.cache.misses)
                    + ', ' + m.cache.size + ' held)'
                : '-';
            var latency = cell(tr);
            latency.appendChild(el('div', null, m.requests ? ms(m.latencyMeanMs) + ' / ' + ms(m.latencyP95Ms) : '-'));
            if (m.ttftP50Ms !== null && m.ttftP50Ms !== undefined) {
                latency.appendChild(el('div', 'mm-sub', 'first token ' + ms(m.ttftP50Ms) + ' / ' + ms(m.ttftP95Ms)));
            }
            if (m.itlP50Ms !== null && m.itlP50Ms !== undefined) {
                latency.appendChild(el('div', 'mm-sub', 'between tokens ' + ms(m.itlP50Ms) + ' / ' + ms(m.itlP95Ms)));
            }
            cell(tr).textContent = m.requests + (m.failures ? ' (' + m.failures + ' failed)' : '');

            var actions = cell(tr, 'mm-actions');
            if (m.status !== 'LOADED' && m.status !== 'LOADING' && m.status !== 'DOWNLOADING') {
                actions.appendChild(button(m, 'load', 'Load'));
            }
            if (m.status === 'LOADED') {
                actions.appendChild(button(m, 'unload', 'Unload', 'Unload ' + m.id + '? '
                    + (m.references ? m.references + ' reference(s) hold it (' + m.requesters.join(', ')
                        + '); it loads again on their next use.' : '')));
            }
            if (m.cache) {
                actions.appendChild(button(m, 'clear-cache', 'Clear cache', 'Clear the embedding cache of ' + m.id
                    + ' (' + m.cache.size + ' vector(s))?'));
            }
            fragment.appendChild(tr);
        });
        rows.replaceChildren(fragment);
    }

    function refresh() {
        if (busy) {
            return;
        }
        busy = true;
        fetch(root + '/data.json', {credentials: 'same-origin', cache: 'no-store'})
            .then(function (r) {
                if (!r.ok) {
                    throw new Error('HTTP ' + r.status);
                }
                return r.json();
            })
            .then(render)
            .catch(function (e) {
                say('Could not refresh: ' + e.message, true);
            })
            .then(function () {
                busy = false;
            });
    }

    function act(action, model) {
        var body = new URLSearchParams();
        body.append('action', action);
        body.append('model', model);
        var headers = {'Content-Type': 'application/x-www-form-urlencoded'};
        headers['X-ModelManager-Token'] = token;
        fetch(root + '/action', {method: 'POST', credentials: 'same-origin', headers: headers, body: body})
            .then(function (r) {
                return r.json().then(function (answer) {
                    if (!r.ok) {
                        throw new Error(answer.error || 'HTTP ' + r.status);
                    }
                    say(model + ': ' + answer.result, false);
                });
            })
            .catch(function (e) {
                say(action + ' ' + model + ' failed: ' + e.message, true);
            })
            .then(refresh);
    }

    refresh();
    window.setInterval(refresh, 2000);
}());
