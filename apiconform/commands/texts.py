"""What `apiconform --help` and `apiconform COMMAND --help` say about each command, in one place.

Lines are written for an 80-column terminal: argparse wraps option help itself but prints descriptions and
examples as written here.
"""

from __future__ import annotations

from dataclasses import dataclass

from apiconform.surfaces import SURFACES

SURFACE_NAMES = ", ".join(SURFACES)

DESCRIPTION = """\
Contract tests, mock servers and conformance reports for the HTTP APIs of
Revenera Code Insight, Security Compass SD Elements, OPSWAT MetaDefender
Software Supply Chain and Mend."""

EPILOG = f"""\
examples:
  apiconform run all --profile quick    # the CI gate, against embedded mocks
  apiconform run mend --base-url https://saas.mend.io --credentials mend.json
  apiconform run --help                 # each command: options and examples

surfaces: {SURFACE_NAMES}

exit codes: 0 conformant, 1 not conformant, 2 usage/config/spec error,
3 target unreachable, 70 internal error (a bug), 130 interrupted"""


@dataclass(frozen=True)
class CommandText:
    summary: str  # one line in the top-level command list
    examples: str
    description: str = ""  # defaults to the summary

    def epilog(self) -> str:
        lines = "\n".join(f"  {line}" for line in self.examples.strip().splitlines())
        return f"examples:\n{lines}\n\nsurfaces: {SURFACE_NAMES}"

    def full_description(self) -> str:
        return self.description or f"{self.summary[0].upper()}{self.summary[1:]}."


# In the order `apiconform --help` lists them: the everyday commands first, the spec tooling last.
COMMANDS = {
    "run": CommandText(
        "run the contract suite against a server or the embedded mocks",
        """
apiconform run all --profile quick           # every surface, embedded mocks
apiconform run code-insight --base-url URL --credentials ci.json
apiconform run mend --base-url URL --record new.json --report-dir new""",
        """\
Run the contract suite: property-based, example-based and semantic checks of
every operation of a surface. Without --base-url it starts the embedded
mock(s) and tests them; with --base-url it tests that server (one surface at
a time), read-only and rate-limited unless the server is on loopback.
Progress goes to stderr (live bars in a terminal, a line per surface every
few seconds when piped), the verdict and failures grouped by check to stdout.""",
    ),
    "mock": CommandText(
        "serve a built-in mock of a surface",
        """
apiconform mock code-insight --port 8080 --credentials-out ci.json
apiconform mock mend --fault undocumented-enum    # a Mend that drifts
apiconform mock --list-faults""",
        """\
Serve a strict, stateful mock of a surface until Ctrl-C or SIGTERM; prints its
base URL when ready.""",
    ),
    "checks": CommandText(
        "list every check id with its group and description",
        """
apiconform checks                      # the ids a waiver's `check:` names
apiconform checks | grep semantic      # paging, filters, jobs, CRUD""",
    ),
    "proxy": CommandText(
        "validating reverse proxy for a client's traffic",
        """
apiconform proxy mend --upstream https://saas.mend.io --port 8081
apiconform proxy code-insight --upstream URL --report-dir proxy-reports""",
        """\
Validating reverse proxy: put it between a client under test and a server.
It forwards traffic unchanged, validates every request (does the client send
only what the contract allows?) and every response, prints its own base URL
when ready and writes the `run` reports when stopped (Ctrl-C, SIGTERM).""",
    ),
    "diff": CommandText(
        "breaking changes between two spec versions (file or REV:path)",
        """
apiconform diff specs/mend.yaml examples/upgrade/mend-next.yaml --format md
apiconform diff main:specs/mend.yaml specs/mend.yaml --fail-on warning""",
    ),
    "compare": CommandText(
        "behavioural drift between two report.json files",
        """
apiconform compare reports-old/report.json reports-new/report.json
apiconform compare old.json new.json --format json --output drift.json""",
    ),
    "baseline": CommandText(
        "turn a run's failures into waivers: adopt the gate and fail only on new drift",
        """
apiconform run mend --base-url URL --credentials c.json --report-dir first
apiconform baseline first/report.json -o waivers.yaml --expires-in 90
apiconform run mend --base-url URL --credentials c.json --waivers waivers.yaml""",
    ),
    "merge": CommandText(
        "join the reports of a sharded run (`run --shard K/N`) into one verdict",
        """
apiconform merge shard-1 shard-2 shard-3 --report-dir reports
apiconform merge shards/*/ --format html,junit""",
        """\
Join the report.json of every shard of one run (`apiconform run ...
--shard K/N --report-dir DIR`) into one verdict and one set of reports. The
shards must come from one run (same surfaces, profile, seed and target) and
all be there; each operation is taken from the shard that tested it.
Exit 0 conformant, 1 not conformant, 2 when the reports do not fit together.""",
    ),
    "replay": CommandText(
        "re-judge a recorded run (`run --record FILE`) offline against the specs",
        """
apiconform run mend --base-url URL --record traffic.json   # capture once
apiconform replay traffic.json --report-dir replayed       # judge it again""",
    ),
    "repro": CommandText(
        "send one failure of a report.json again and judge the new answer",
        """
apiconform repro reports/report.json 3f9c2a1b     # the same embedded mock
apiconform repro report.json 3f9c2a1b --base-url URL --credentials c.json""",
        """\
Send the request of one failure (its `id` in report.json) again and judge the
answer by that failure's check: exit 1 when it still fails, 0 when it now
passes. A report of an embedded mock starts that mock again (same seed and
faults) unless --base-url is given; the request keeps its path below the base
URL. The request is the failure's curl: its $APICONFORM_* placeholders take
the restarted mock's credentials, else those of --credentials and of the
APICONFORM_* variables. A check decided over several requests (paging, CRUD,
stateful) is exit 2: run the suite again for it.""",
    ),
    "lint": CommandText(
        "lint OpenAPI specs (default: every spec in specs/)",
        """
apiconform lint
apiconform lint specs/mend.yaml examples/upgrade/mend-next.yaml""",
    ),
    "codegen": CommandText(
        "regenerate pydantic models in generated/ from the specs",
        """
apiconform codegen
apiconform codegen --check mend      # exit 1 and print the diff when stale""",
    ),
}
