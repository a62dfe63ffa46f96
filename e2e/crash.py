"""Crash safety: kill -9 the server while 16 clients post vouchers and invoices, restart it, and check that every
write acknowledged with a 2xx is there and whole, that retries with the same Idempotency-Key never post twice,
and that `finsync verify-books` and every company's audit chain verify. Run by scripts/crash (and, short, by
scripts/test). Prints one line per round and a closing 'N passed, N failed' line."""
import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def call(base, method, path, body=None, token=None, key=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if key:
        req.add_header("Idempotency-Key", key)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw or b"null")
        except ValueError:
            return e.code, raw.decode(errors="replace")


class Server:
    def __init__(self, binary, env):
        self.binary, self.env, self.proc, self.port = binary, env, None, None

    def start(self):
        self.port = free_port()
        self.log = open(os.path.join(self.env["FINSYNC_DATA_DIR"], "server.log"), "ab")
        self.proc = subprocess.Popen([self.binary, "serve", "--hostname", "127.0.0.1", "--port", str(self.port)],
                                     env=self.env, stdout=self.log, stderr=self.log)
        base = self.base
        for _ in range(600):
            if self.proc.poll() is not None:
                raise SystemExit("server exited on start; see " + self.log.name)
            try:
                if call(base, "GET", "/health", timeout=1)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit("server did not start")

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.log.close()


def setup(base):
    status, auth = call(base, "POST", "/api/v1/auth/register",
                        {"email": "crash@example.com", "password": "correct horse battery", "name": "Crash Test"})
    if status != 201:
        status, auth = call(base, "POST", "/api/v1/auth/login", {"email": "crash@example.com", "password": "correct horse battery"})
    token = auth["accessToken"]
    status, companies = call(base, "GET", "/api/v1/companies", token=token)
    if companies["items"]:
        return token, companies["items"][0]["id"]
    status, company = call(base, "POST", "/api/v1/companies", {"name": "Crash Traders", "stateCode": "27", "gstin": "27AAPFU0939F1ZV",
                                                               "financialYearStart": "2026-04-01", "booksBeginning": "2026-04-01"}, token)
    assert status == 201, company
    cid = company["id"]
    for body in [{"name": "Pune Retail", "group": "Sundry Debtors", "gstin": "27AAJCS5738D1Z6"},
                 {"name": "Sales", "group": "Sales Accounts"}, {"name": "HDFC Bank", "group": "Bank Accounts"}]:
        assert call(base, "POST", f"/api/v1/companies/{cid}/ledgers", body, token)[0] == 201
    assert call(base, "POST", f"/api/v1/companies/{cid}/items", {"name": "Consulting", "hsn": "998311", "unit": "NA", "gstRate": "18"},
                token)[0] == 201
    return token, cid


def worker(base, token, cid, n, stop, acked, lost, lock):
    rng = random.Random(n)
    i = 0
    while not stop.is_set():
        i += 1
        key = f"w{n}-{i}-{rng.random()}"
        paise = rng.randint(100, 10_000_000)
        amount = f"{paise // 100}.{paise % 100:02d}"
        if i % 3 == 0:
            path, body = "invoices", {"kind": "sales", "party": "Pune Retail", "date": "2026-06-01", "narration": key,
                                      "lines": [{"item": "Consulting", "quantity": "1", "rate": amount}]}
        else:
            path, body = "vouchers", {"type": "receipt", "date": "2026-06-01", "narration": key,
                                      "entries": [{"ledger": "HDFC Bank", "debit": amount}, {"ledger": "Pune Retail", "credit": amount}]}
        try:
            status, answer = call(base, "POST", f"/api/v1/companies/{cid}/{path}", body, token, key, timeout=5)
        except OSError:
            with lock:
                lost.append((path, body, key))
            time.sleep(0.05)
            continue
        with lock:
            if 200 <= status < 300:
                acked.append((path, body, key, answer))
            elif status >= 500:
                lost.append((path, body, key))


def check_round(base, token, cid, acked, lost):
    problems = []
    for path, body, key, answer in acked:
        ident = answer.get("id")
        status, stored = call(base, "GET", f"/api/v1/companies/{cid}/{path}/{ident}", token=token)
        if status != 200:
            problems.append(f"acknowledged {path} {ident} is missing ({status})")
            continue
        if path == "vouchers":
            if len(stored.get("entries", [])) != len(body["entries"]) or stored.get("narration") != key:
                problems.append(f"voucher {ident} is not whole: {stored}")
        elif stored.get("totals", {}).get("total") != answer.get("totals", {}).get("total") or len(stored.get("lines", [])) != 1:
            problems.append(f"invoice {ident} is not whole")
    # Retries of the writes whose answers were lost, all at once as clients would: each posts at most once.
    def retry(path, body, key):
        try:
            status, answer = call(base, "POST", f"/api/v1/companies/{cid}/{path}", body, token, key, timeout=30)
        except OSError as e:
            status, answer = 0, str(e)
        if not (200 <= status < 300 or status == 409):
            problems.append(f"retry of {key} answered {status}: {answer}")
    threads = [threading.Thread(target=retry, args=item) for item in lost]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return problems


def count_by_narration(base, token, cid):
    seen, cursor = {}, None
    while True:
        q = "limit=500" + (f"&cursor={cursor}" if cursor else "")
        status, page = call(base, "GET", f"/api/v1/companies/{cid}/reports/day-book?from=2026-06-01&to=2026-06-01&{q}", token=token)
        assert status == 200, page
        for v in page["items"]:
            seen[v.get("narration")] = seen.get(v.get("narration"), 0) + 1
        cursor = page["nextCursor"]
        if not cursor:
            return seen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--database-url", default="")
    ap.add_argument("--clients", type=int, default=16)
    args = ap.parse_args()
    data = tempfile.mkdtemp(prefix="finsync-crash-")
    env = dict(os.environ, FINSYNC_DATA_DIR=data, LOG_LEVEL="error")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    kind = "postgres" if args.database_url else "sqlite"
    server = Server(args.binary, env)
    server.start()
    token, cid = setup(server.base)
    passed = failed = total_acked = 0
    rng = random.Random(360)
    for round_no in range(1, args.rounds + 1):
        acked, lost, lock, stop = [], [], threading.Lock(), threading.Event()
        threads = [threading.Thread(target=worker, args=(server.base, token, cid, n, stop, acked, lost, lock)) for n in range(args.clients)]
        for t in threads:
            t.start()
        time.sleep(1.0 + rng.random() * 2.0)
        server.kill()
        stop.set()
        for t in threads:
            t.join()
        server.start()
        status, auth = call(server.base, "POST", "/api/v1/auth/login", {"email": "crash@example.com", "password": "correct horse battery"})
        token = auth["accessToken"]
        problems = check_round(server.base, token, cid, acked, lost)
        counts = count_by_narration(server.base, token, cid)
        keys = [k for _, _, k, _ in acked] + [k for _, _, k in lost]
        problems += [f"{k} was posted {counts[k]} times" for k in keys if counts.get(k, 0) > 1]
        verify = subprocess.run([args.binary, "verify-books"], env=env, capture_output=True, text=True)
        if verify.returncode != 0:
            problems.append("verify-books: " + (verify.stdout + verify.stderr).strip()[-500:])
        status, chain = call(server.base, "GET", f"/api/v1/companies/{cid}/audit-log/verify", token=token)
        if status != 200 or not chain.get("ok", chain.get("valid", False)):
            problems.append(f"audit chain: {status} {chain}")
        total_acked += len(acked)
        print(f"{kind} round {round_no}: {len(acked)} acknowledged writes checked, {len(lost)} lost answers retried, "
              + ("ok" if not problems else f"{len(problems)} problems"), flush=True)
        for p in problems[:20]:
            print("   ", p)
        if problems:
            failed += 1
        else:
            passed += 1
    server.kill()
    print(f"{kind}: {args.rounds} crash rounds, {total_acked} acknowledged writes checked")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
