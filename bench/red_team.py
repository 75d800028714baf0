"""Replays issue 22's attacks (rows 1-6) and prints what held.

    python -m bench.red_team                # starts its own app on a free loopback port
    python -m bench.red_team --url http://127.0.0.1:7860/   # or attacks one already running

Rows 1, 2 and 6 go to the running app over HTTP, as any client could send them; rows 3-5
are an operator's commands and a corpus's contents, replayed with `python -m assistant` on
copies in a temporary folder. Every loop is bounded. Exit status 1 when something did not
hold.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ORDINARY = "Will my lip paralysis from Botox go away?"
DIRECTION_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


class Client:
    def __init__(self, url: str):
        self.url = url.rstrip("/") + "/"
        self.config = json.loads(self._get("config"))
        self.fn = {d.get("api_name"): d["id"] for d in self.config["dependencies"]}

    def _get(self, path: str, timeout: float = 120) -> str:
        with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
            return response.read().decode()

    def _post(self, path: str, body: dict) -> tuple[int, str]:
        data = json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def ask(self, messages: list[str], specialty=None, min_rating=None) -> tuple[str, object]:
        """("complete", output) or ("error", message) from /ask."""
        status, text = self._post("gradio_api/call/ask", {"data": [messages, specialty, min_rating]})
        if status != 200:
            return "http", f"{status} {text[:200]}"
        event = json.loads(text)["event_id"]
        kind, data = "", None
        for line in self._get(f"gradio_api/call/ask/{event}").splitlines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
        return kind, data

    def event(self, api_name: str, data: list, session: str, event_data=None) -> list[dict]:
        """Runs one of the page's own events through the queue; the stream's messages."""
        body = {"data": data, "fn_index": self.fn[api_name], "session_hash": session, "event_data": event_data,
                "trigger_id": None}
        status, text = self._post("gradio_api/queue/join", body)
        if status != 200:
            return [{"msg": "http", "status": status, "text": text[:200]}]
        stream = self._get(f"gradio_api/queue/data?session_hash={session}")
        return [json.loads(line[6:]) for line in stream.splitlines() if line.startswith("data: ")]


def row(results: list, number: str, what: str, held: bool, detail: str) -> None:
    results.append(held)
    print(f"| {number} | {what} | {'held' if held else 'BROKE'} | {detail} |", flush=True)


def ordinary_conversation() -> list[str]:
    """50 ordinary messages, no two alike: the development set's questions."""
    questions = [q["message"] for q in json.loads((REPO / "bench" / "devset.json").read_text())["questions"]]
    return [f"{questions[n % len(questions)]}" + ("" if n < len(questions) else f" ({n})") for n in range(50)]


def cpu_amplification(client: Client, results: list) -> None:
    ordinary = ordinary_conversation()
    crafted = [ORDINARY] + [((u + ",") * 1000)[:1999] + "?" for u in "wceh" * 13][:49]
    timings = {}
    for name, messages in (("ordinary", ordinary), ("crafted", crafted), ("ordinary again", ordinary)):
        started = time.perf_counter()
        kind, _ = client.ask(messages)
        timings[name] = (time.perf_counter() - started, kind)
    base = min(timings["ordinary"][0], timings["ordinary again"][0])
    crafted_s, crafted_kind = timings["crafted"]
    refused = crafted_kind == "error"
    row(results, "1", "49 crafted 'w,' messages in one /ask request (30 s of CPU on caf0654)",
        refused or crafted_s <= 3 * base,
        f"{'refused by the request bound' if refused else 'answered'} in {crafted_s:.2f} s; 50 ordinary turns {base:.2f} s")
    within = [ORDINARY] + [((chr(98 + n) + ",") * 1000)[:1999] + "?" for n in range(7)]  # 14,034 characters
    started = time.perf_counter()
    kind, _ = client.ask(within)
    within_s = time.perf_counter() - started
    row(results, "1", "1 ordinary + 7 distinct crafted messages, within the request bound", kind == "complete"
        and within_s <= 3 * base, f"{kind} in {within_s:.2f} s ({within_s / base:.1f}x 50 ordinary turns)")
    distinct = [ORDINARY] + [f"{n} " + ((chr(98 + n % 20) + ",") * 1000)[:1990] + "?" for n in range(49)]
    started = time.perf_counter()
    kind, detail = client.ask(distinct)
    row(results, "1", "49 distinct 2,000-character messages (98,000 characters)", kind == "error",
        f"{kind} in {time.perf_counter() - started:.2f} s: {str(detail)[:90]}")


def feedback_flood(client: Client, results: list, sessions: int) -> None:
    recorded = 0
    for n in range(sessions):  # each a session id the client made up, one reply and one vote
        session = uuid.uuid4().hex[:11]
        client.event("respond", [ORDINARY, None, "", 0.0], session)
        messages = client.event("vote", [None], session, {"index": [1, 0], "value": "", "liked": True})
        done = [m for m in messages if m.get("msg") == "process_completed"]
        outputs = done[0].get("output", {}).get("data", []) if done else []
        # Recorded: the comment row opens (the vote itself is server state, not sent back).
        recorded += len(outputs) > 1 and isinstance(outputs[1], dict) and outputs[1].get("visible") is True
    row(results, "2", f"{sessions} made-up session ids, one vote each, within a minute",
        recorded <= 120, f"{recorded} recorded (the rate for everyone is ASSISTANT_FEEDBACK_GLOBAL_PER_MINUTE, 120)")


def lone_surrogates(client: Client, results: list) -> None:
    kind, data = client.ask([ORDINARY, "why\ud800?"])
    row(results, "6", 'a lone surrogate ("\\ud800") in an /ask message', kind == "error" and "surrogate" in str(data),
        f"{kind}: {str(data)[:100]}")
    session = uuid.uuid4().hex[:11]
    messages = client.event("respond", ["my lip \udc00", None, "", 0.0], session)
    warned = any("surrogate" in json.dumps(m) for m in messages)
    row(results, "6", "a lone surrogate in a chat message", warned, "refused with a notice" if warned else str(messages)[:100])


def cli(*args: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900)


def index_safety(work: Path, results: list) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("ASSISTANT_CORPUS_PATHS", None)
    mine = work / "my.jsonl"
    mine.write_text(json.dumps({"id": "m1", "title": "Cheek filler lump", "answers": [
        {"id": "m1#1", "text": "A small lump after cheek filler usually settles within two weeks.",
         "author": {"name": "Ann Alpha, MD\u202e", "title": "Miami Plastic Surgeon", "rating": 2.4, "reviews": 7}}]}) + "\n")
    index = work / "D"
    cli("ingest", str(mine), "--index-dir", str(index), cwd=REPO, env=env)
    build = json.loads((index / "manifest.json").read_text())["build"]
    asked = cli("ask", "--json", "--index-dir", str(index), "is a lump after cheek filler normal?", cwd=REPO, env=env)
    after = json.loads((index / "manifest.json").read_text())["build"]
    row(results, "3", "`ask --index-dir D` (D built from my.jsonl) run in the project folder", after == build,
        "served as built" if after == build else "D was rebuilt from ./corpus")
    shown = asked.stdout
    names = [q["author"]["name"] for t in json.loads(shown)["turns"] for q in t["quotes"]] if asked.returncode == 0 else []
    clean = bool(names) and not set(shown) & set(DIRECTION_CONTROLS)
    row(results, "5", "a JSONL author name ending in U+202E", clean and names == ["Ann Alpha, MD"],
        f"ask --json names {names} and holds no direction control" if clean else f"not clean: {shown[:100]!r}")

    corpus = work / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    env["ASSISTANT_INDEX_DIR"] = str(work / "E")
    cli("ingest", str(corpus), "--index-dir", str(work / "E"), cwd=REPO, env=env)
    page = next(corpus.glob("000_*.txt"))
    whole = page.read_text(encoding="utf-8")
    page.write_text(whole[: len(whole) // 3], encoding="utf-8")
    cut = cli("ask", "--index-dir", str(work / "E"), ORDINARY, cwd=REPO, env=env)
    page.write_text(whole, encoding="utf-8")
    restored = cli("ask", "--index-dir", str(work / "E"), ORDINARY, cwd=REPO, env=env)
    reused = [line for line in restored.stderr.splitlines() if "Reused the vectors" in line]
    encoded_again = "Slices of" in restored.stderr and not reused
    row(results, "4", "a page cut to a third (mid-save), then restored", "cut short" in cut.stderr and bool(reused)
        and not encoded_again, f"warned: {'cut short' in cut.stderr}; on restore: {reused[0] if reused else 're-encoded'}")


def start_app(work: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(REPO), "ASSISTANT_INDEX_DIR": str(work / "app-index"),
           "ASSISTANT_FEEDBACK_PATH": str(work / "feedback.sqlite3")}
    log = (work / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=REPO, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "healthz", timeout=2)
            return process, url
        except OSError:
            if process.poll() is not None:
                sys.exit(f"the app did not start:\n{(work / 'server.log').read_text()[-2000:]}")
            time.sleep(0.5)
    process.kill()
    sys.exit("the app was not ready within 300 s")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="an app already running on loopback (default: start one)")
    parser.add_argument("--sessions", type=int, default=150, help="made-up session ids for the feedback flood")
    args = parser.parse_args()
    results: list[bool] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        process, url = (None, args.url) if args.url else start_app(work)
        try:
            client = Client(url)
            health = json.loads(client._get("healthz"))
            print(f"app at {url}: build {health['build']}, {health['answers']} answers\n")
            print("| row | attack | result | detail |\n|---|---|---|---|")
            cpu_amplification(client, results)
            feedback_flood(client, results, args.sessions)
            lone_surrogates(client, results)
            index_safety(work, results)
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    print(f"\n{sum(results)} of {len(results)} held")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
