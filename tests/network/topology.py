"""A participant behind a firewall that blocks UDP, built from network namespaces (10.17.0.0/24).

The test process's own network namespace (``make pytest`` runs in a private one) holds the
courtroom server on 10.17.0.1 and coturn on 10.17.0.2, both on one end of a veth pair; the
other end, 10.17.0.10, is in a namespace of the participant's, where iptables drops every
packet except TCP to coturn's TURN/TLS port and to the web port. So a browser or aiortc
participant there can reach the relay only through TURN over TLS
(scale-out.md section 5, "How to test relay candidates locally").

Everything is named after this process's id, so that tests of two worktrees can run at the
same time, and is removed again by :meth:`Topology.close`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.harness import ROOT

SERVER_IP = "10.17.0.1"
TURN_IP = "10.17.0.2"
PARTICIPANT_IP = "10.17.0.10"
# The impaired participant's own link: 10.17.1.1 (the server's side) - 10.17.1.10.
LOSSY_GATEWAY_IP = "10.17.1.1"
LOSSY_PARTICIPANT_IP = "10.17.1.10"
# The impaired link's own iptables chains (in its namespace).
LOSS_CHAIN = "c17loss"
UDP_CHAIN = "c17udp"
TURN_PORT = 3478
TURN_TLS_PORT = 443  # as deploy/turnserver.conf has it: TLS looks like HTTPS to a firewall
SHIPPED_CONF = ROOT / "deploy" / "turnserver.conf"


def run(*command: str, namespace: str | None = None) -> str:
    prefix = ["ip", "netns", "exec", namespace] if namespace else []
    done = subprocess.run(
        [*prefix, *command], capture_output=True, text=True, timeout=30, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()}")
    return done.stdout


def wait_up(host_link: str, namespace: str) -> None:
    """The veth pair carries packets (both ends are up a moment after ``ip link set up``)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if "LOWER_UP" in run("ip", "link", "show", host_link) and "LOWER_UP" in run(
            "ip", "link", "show", "eth17", namespace=namespace
        ):
            return
        time.sleep(0.05)
    raise RuntimeError(f"the veth link {host_link} did not come up")


@dataclass
class Topology:
    """The veth pair, the participant's namespace and its firewall."""

    web_port: int
    suffix: str = field(default_factory=lambda: str(os.getpid()))

    @property
    def namespace(self) -> str:
        return f"c17p{self.suffix}"

    @property
    def host_link(self) -> str:
        return f"c17h{self.suffix}"

    def build(self) -> None:
        run("ip", "netns", "add", self.namespace)
        run("ip", "link", "add", self.host_link, "type", "veth", "peer", "name", "eth17",
            "netns", self.namespace)  # fmt: skip
        for address in (SERVER_IP, TURN_IP):
            run("ip", "addr", "add", f"{address}/24", "dev", self.host_link)
        run("ip", "link", "set", self.host_link, "up")
        inside = self.namespace
        run("ip", "link", "set", "lo", "up", namespace=inside)
        run("ip", "addr", "add", f"{PARTICIPANT_IP}/24", "dev", "eth17", namespace=inside)
        run("ip", "link", "set", "eth17", "up", namespace=inside)
        # Only TCP to TURN/TLS and to the web server leaves the participant's namespace.
        rules = [
            ["-A", "OUTPUT", "-o", "lo", "-j", "ACCEPT"],
            ["-A", "OUTPUT", "-p", "tcp", "-d", TURN_IP, "--dport", str(TURN_TLS_PORT)],
            ["-A", "OUTPUT", "-p", "tcp", "-d", SERVER_IP, "--dport", str(self.web_port)],
            ["-A", "OUTPUT", "-p", "udp", "-j", "DROP"],
            ["-A", "OUTPUT", "-j", "DROP"],
        ]
        for rule in rules:
            target = [] if "-j" in rule else ["-j", "ACCEPT"]
            run("iptables", *rule, *target, namespace=inside)
        wait_up(self.host_link, self.namespace)

    def dropped_udp_packets(self) -> int:
        """How many UDP packets the participant's firewall has dropped so far."""
        listing = run("iptables", "-L", "OUTPUT", "-v", "-x", "-n", namespace=self.namespace)
        for line in listing.splitlines():
            fields = line.split()
            if len(fields) > 3 and fields[2] == "DROP" and fields[3] in ("udp", "17"):
                return int(fields[0])
        raise RuntimeError(f"no UDP drop rule in:\n{listing}")

    def close(self) -> None:
        subprocess.run(["ip", "link", "del", self.host_link], capture_output=True, check=False)
        subprocess.run(["ip", "netns", "del", self.namespace], capture_output=True, check=False)


@dataclass
class LossyLink:
    """A second participant namespace on a link of its own, no firewall: its UDP reaches
    the server directly, and :meth:`lose` drops a share of its packets at random.

    The kernel of this machine kind has no netem: iptables' ``statistic`` match makes the
    loss (in the namespace, both directions, every protocol, as a bad link would).
    """

    suffix: str = field(default_factory=lambda: str(os.getpid()))

    @property
    def namespace(self) -> str:
        return f"c17l{self.suffix}"

    @property
    def host_link(self) -> str:
        return f"c17i{self.suffix}"

    def build(self) -> None:
        run("ip", "netns", "add", self.namespace)
        run("ip", "link", "add", self.host_link, "type", "veth", "peer", "name", "eth17",
            "netns", self.namespace)  # fmt: skip
        run("ip", "addr", "add", f"{LOSSY_GATEWAY_IP}/24", "dev", self.host_link)
        run("ip", "link", "set", self.host_link, "up")
        inside = self.namespace
        run("ip", "link", "set", "lo", "up", namespace=inside)
        run("ip", "addr", "add", f"{LOSSY_PARTICIPANT_IP}/24", "dev", "eth17", namespace=inside)
        run("ip", "link", "set", "eth17", "up", namespace=inside)
        # The server's addresses are the gateway's own: delivered there, nothing forwarded.
        run("ip", "route", "add", "default", "via", LOSSY_GATEWAY_IP, namespace=inside)
        # Loss applies to every packet of the link, both ways; the UDP filter to what leaves.
        for chain in (LOSS_CHAIN, UDP_CHAIN):
            run("iptables", "-N", chain, namespace=inside)
        run("iptables", "-A", "INPUT", "-i", "eth17", "-j", LOSS_CHAIN, namespace=inside)
        run("iptables", "-A", "OUTPUT", "-o", "eth17", "-j", LOSS_CHAIN, namespace=inside)
        run("iptables", "-A", "OUTPUT", "-o", "eth17", "-j", UDP_CHAIN, namespace=inside)
        wait_up(self.host_link, self.namespace)

    def lose(self, probability: float) -> None:
        """Drop each packet in and out of the namespace with ``probability`` (0 to stop)."""
        run("iptables", "-F", LOSS_CHAIN, namespace=self.namespace)
        if probability > 0:
            run("iptables", "-A", LOSS_CHAIN, "-m", "statistic", "--mode", "random",
                "--probability", str(probability), "-j", "DROP",
                namespace=self.namespace)  # fmt: skip

    def udp_only_to(self, address: str | None, port: int = 0) -> None:
        """Let UDP out of the namespace only to ``address``:``port`` (a TURN server: the
        participant's media then goes through it); None lets all UDP out again."""
        run("iptables", "-F", UDP_CHAIN, namespace=self.namespace)
        if address is not None:
            run("iptables", "-A", UDP_CHAIN, "-p", "udp", "-d", address, "--dport", str(port),
                "-j", "RETURN", namespace=self.namespace)  # fmt: skip
            run("iptables", "-A", UDP_CHAIN, "-p", "udp", "-j", "DROP", namespace=self.namespace)

    def squeeze(self, kbit_s: int | None) -> None:
        """Limit the link to ``kbit_s`` each way with a token bucket (``tc tbf``, which this
        kernel has), its queue holding 300 ms as a home router's would; None lifts it."""
        for device, namespace in ((self.host_link, None), ("eth17", self.namespace)):
            if kbit_s is None:
                run("tc", "qdisc", "del", "dev", device, "root", namespace=namespace)
            else:
                run("tc", "qdisc", "replace", "dev", device, "root", "tbf", "rate",
                    f"{kbit_s}kbit", "burst", "16kb", "latency", "300ms",
                    namespace=namespace)  # fmt: skip

    def squeezed(self) -> int:
        """Packets the token buckets dropped, both directions (0 when not squeezed)."""
        total = 0
        for device, namespace in ((self.host_link, None), ("eth17", self.namespace)):
            listing = run("tc", "-s", "qdisc", "show", "dev", device, namespace=namespace)
            total += sum(int(n) for n in re.findall(r"dropped (\d+)", listing))
        return total

    def dropped(self) -> int:
        """Packets dropped by :meth:`lose`'s rules since they were set, both directions."""
        listing = run("iptables", "-L", LOSS_CHAIN, "-v", "-x", "-n", namespace=self.namespace)
        return sum(
            int(line.split()[0]) for line in listing.splitlines() if "DROP" in line.split()[2:3]
        )

    def close(self) -> None:
        subprocess.run(["ip", "link", "del", self.host_link], capture_output=True, check=False)
        subprocess.run(["ip", "netns", "del", self.namespace], capture_output=True, check=False)


def make_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A test certificate authority and coturn's certificate for TURN_IP signed by it:
    (ca.crt, turn.crt, turn.key)."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca_crt = directory / "ca.key", directory / "ca.crt"
    key, csr, crt = directory / "turn.key", directory / "turn.csr", directory / "turn.crt"
    ext = directory / "turn.ext"
    ext.write_text(
        f"subjectAltName=IP:{TURN_IP}\nextendedKeyUsage=serverAuth\n"
        "basicConstraints=critical,CA:FALSE\n"
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    run("openssl", "req", "-x509", *ec, "-keyout", str(ca_key), "-out", str(ca_crt),
        "-days", "2", "-subj", "/CN=courtroom test TURN CA")  # fmt: skip
    run("openssl", "req", *ec, "-keyout", str(key), "-out", str(csr), "-subj", f"/CN={TURN_IP}")
    run("openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca_crt), "-CAkey", str(ca_key),
        "-CAcreateserial", "-out", str(crt), "-days", "2", "-extfile", str(ext))  # fmt: skip
    return ca_crt, crt, key


def turnserver_conf(shipped: str, overrides: dict[str, list[str]]) -> str:
    """The shipped deploy/turnserver.conf with the settings in ``overrides`` replaced (each
    key's lines become the given values; an empty value is a flag line); keys the shipped
    file lacks are added at the end (the test's own files: pidfile, userdb)."""
    lines: list[str] = []
    done: set[str] = set()
    for line in shipped.splitlines():
        match = re.match(r"^([a-z0-9-]+)(=|$)", line)
        key = match.group(1) if match else None
        if key is None or key not in overrides:
            lines.append(line)
            continue
        if key not in done:
            lines.extend(f"{key}={v}" if v else key for v in overrides[key])
            done.add(key)
    for key, values in overrides.items():
        if key not in done:
            lines.extend(f"{key}={v}" if v else key for v in values)
    return "\n".join(lines) + "\n"


def shipped_keys(shipped: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"^([a-z0-9-]+)(?:=|$)", shipped, re.MULTILINE)}


@dataclass
class Coturn:
    """Debian's coturn, started with the shipped configuration adapted to the topology."""

    secret: str
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.directory / "turnserver.log"

    def start(self, cert: Path, key: Path) -> None:
        turnserver = shutil.which("turnserver")
        if turnserver is None:
            raise RuntimeError("coturn is not installed (apt-get install coturn)")
        conf = self.directory / "turnserver.conf"
        conf.write_text(
            turnserver_conf(
                SHIPPED_CONF.read_text(),
                {
                    "listening-ip": [TURN_IP],
                    "relay-ip": [TURN_IP],
                    "static-auth-secret": [self.secret],
                    "realm": ["court.test"],
                    "cert": [str(cert)],
                    "pkey": [str(key)],
                    "allowed-peer-ip": [SERVER_IP],
                    "log-file": [str(self.log)],
                    "pidfile": [str(self.directory / "turnserver.pid")],
                    "userdb": [str(self.directory / "turndb")],
                },
            )
        )
        self.process = subprocess.Popen(
            [turnserver, "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"turnserver exited:\n{self.log_tail()}")
            listening = run("ss", "-ltn")
            if f"{TURN_IP}:{TURN_TLS_PORT}" in listening and f"{TURN_IP}:{TURN_PORT}" in listening:
                return
            time.sleep(0.1)
        raise RuntimeError(f"turnserver did not listen in 15 s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no turnserver log)"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
