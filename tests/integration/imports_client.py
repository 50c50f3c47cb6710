"""Driving /settings/import as a browser does (tests of CSV imports): upload a file as
multipart/form-data, read each import's state and progress from the page, wait for one to finish."""
import re
import secrets

import harness
from oauth_browser import parse_page


def upload_import(browser, kind, mode, text, filename="export.csv"):
    """Posts /settings/import as a browser does (multipart/form-data); returns the response."""
    server = browser.server
    page = browser.request("GET", "/settings/import")
    form = next(f for f in parse_page(page.body).forms if f["action"] == "/settings/import")
    token = next(i["value"] for i in form["inputs"] if i["name"] == "authenticity_token")
    boundary = "herd" + secrets.token_hex(8)
    parts = []
    for name, value in (("authenticity_token", token), ("type", kind), ("mode", mode)):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="data"; filename="{filename}"\r\n'
                 f'Content-Type: text/csv\r\n\r\n{text}\r\n--{boundary}--\r\n')
    r = harness.http(server.url, "POST", "/settings/import", body="".join(parts).encode(),
                     content_type=f"multipart/form-data; boundary={boundary}",
                     headers={"Accept": "text/html", "Cookie": "; ".join(
                         f"{k}={v}" for k, v in browser.cookies.items())})
    return r


def import_states(browser):
    """(state, processed, total, imported, failures text) of each import on the page, newest first."""
    text = browser.request("GET", "/settings/import").text
    out = []
    for m in re.finditer(r'<li class="import" data-id="\d+" data-state="(\w+)">(.*?)</li>(?=<li class="import"|</ul></section>)',
                         text, re.S):
        body = m.group(2)
        progress = re.search(r"(\d+) of (\d+) rows processed", body)
        imported = re.search(r"(\d+) imported", body)
        out.append((m.group(1), int(progress.group(1)), int(progress.group(2)),
                    int(imported.group(1)), body))
    return out


def import_and_wait(t, browser, kind, mode, text):
    r = upload_import(browser, kind, mode, text, filename=f"{kind}.csv")
    t.status(r, 200, f"the {kind} file is accepted")
    done = harness.eventually(
        lambda: (lambda s: s and s[0][0] == "finished" and s[0])(import_states(browser)), timeout=60)
    t.require(done, f"the {kind} import finishes", import_states(browser)[:1])
    return done
