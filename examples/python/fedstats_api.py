#!/usr/bin/env python3
"""Using a fedstats federation from Python through the coordinator's HTTP/JSON API (standard library only).

Lists the federation's nodes, then runs a count, a summary and (with --formula) a generalised linear model on a
dataset, and prints the pooled results. The API is described by the OpenAPI document the coordinator serves at
/api/v1/openapi.yaml.

  # a coordinator over mutual TLS, with your researcher certificate (as `fedstats pki` lays it out)
  python3 fedstats_api.py https://coordinator.example.org:8443 --dataset colon --variable age \\
      --cert ~/.fedstats/alice.crt --key ~/.fedstats/alice.key --ca ~/.fedstats/ca.crt \\
      --formula "status ~ rx + sex + age" --family BINOMIAL --project demo-study

  # a coordinator that takes tokens from the federation's identity provider
  FEDSTATS_TOKEN=$(cat token.jwt) python3 fedstats_api.py https://coordinator.example.org:8443 --ca ca.crt

Exit status: 0 when every request was answered, 1 when the coordinator refused one (the reason is printed), 2 for a
mistake on the command line.
"""

import argparse
import ipaddress
import json
import os
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request


class ApiError(Exception):
    """A request the coordinator refused: its HTTP status, gRPC status name and reason."""

    def __init__(self, code, status, message):
        super().__init__(f"{code} {status}: {message}")
        self.code = code
        self.status = status
        self.message = message


class Federation:
    """The coordinator's researcher API: GET /api/v1/nodes, /api/v1/datasets, /api/v1/results/{id};
    POST /api/v1/analyses."""

    def __init__(self, url, cert=None, key=None, ca=None, token=None, user=None, timeout=900):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = "Bearer " + token
        if user:
            # Only a plaintext coordinator without an identity provider takes a stated name (as a claim).
            self.headers["fedstats-user"] = user
        self.context = None
        if self.url.startswith("https:"):
            self.context = ssl.create_default_context(cafile=ca)
            if cert:
                self.context.load_cert_chain(certfile=cert, keyfile=key)

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self.context) as response:
                return json.load(response)
        except urllib.error.HTTPError as e:
            try:
                error = json.load(e)["error"]
            except (ValueError, KeyError, TypeError):
                raise ApiError(e.code, "UNKNOWN", e.reason) from None
            raise ApiError(error["code"], error["status"], error["message"]) from None

    def nodes(self):
        return self._call("GET", "/api/v1/nodes")["nodes"]

    def datasets(self):
        return self._call("GET", "/api/v1/datasets")["datasets"]

    def analyse(self, dataset, analysis, filter=None, project=None, allow_partial=False, node_ids=None):
        """Runs one analysis, e.g. analyse("colon", {"summary": {"variable": "age"}})."""
        request = {"dataset": dataset, "analysis": analysis}
        if filter:
            request["filter"] = filter
        if project:
            request["project"] = project
        if allow_partial:
            request["allowPartial"] = True
        if node_ids:
            request["nodeIds"] = list(node_ids)
        return self._call("POST", "/api/v1/analyses", request)

    def result(self, request_id):
        """A request whose sites held their answers for review, fetched later."""
        return self._call("GET", "/api/v1/results/" + request_id)


def number(value):
    """A JSON number of protobuf's mapping: 64-bit integers come as strings, non-finite doubles as "NaN" etc."""
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return float(value)
    return value


def sites(response):
    """One line per site: its status and, where it refused or failed, why."""
    lines = []
    for site in response["sites"]:
        line = f"  {site['nodeId']}: {site['status']}"
        if site["status"] == "REFUSED":
            line += f" ({site['refusal']['rule']}: {site['refusal']['reason']})"
        elif site["status"] == "FAILED":
            line += f" ({site['errorCode']}: {site['error']})"
        elif site["status"] == "PENDING_REVIEW":
            line += f" (held for review; fetch request {response['requestId']} later)"
        lines.append(line)
    return "\n".join(lines)


def pooled(response):
    """The pooled result, or why there is none (e.g. a site refused)."""
    if not response["pooledAvailable"]:
        print(f"  no pooled value: {response['pooledNote']}")
        return None
    print(f"  pooled over {', '.join(response['pooledNodeIds'])}")
    return response["pooled"]


def private_channel(url):
    """Whether a token sent to url stays private: https, or plain http to this machine's loopback."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        return True
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run federated statistics through a fedstats coordinator's API.")
    parser.add_argument("url", help="the coordinator's web port, e.g. https://coordinator.example.org:8443")
    parser.add_argument("--dataset", default="colon")
    parser.add_argument("--variable", default="age", help="the numeric variable to summarise")
    parser.add_argument("--formula", help="also fit this GLM, e.g. 'status ~ rx + sex + age'")
    parser.add_argument("--family", default="BINOMIAL", choices=["BINOMIAL", "POISSON", "GAUSSIAN"])
    parser.add_argument("--project", help="the approved project (study) the requests are made for")
    parser.add_argument("--cert", help="your researcher certificate (PEM), for mutual TLS")
    parser.add_argument("--key", help="its private key (PEM)")
    parser.add_argument("--ca", help="the federation CA's certificate (PEM), to check the coordinator's")
    parser.add_argument("--token-env", default="FEDSTATS_TOKEN",
                        help="the environment variable holding a bearer token (default FEDSTATS_TOKEN)")
    parser.add_argument("--token-file", help="a file holding a bearer token")
    parser.add_argument("--user", help="the name to state to a plaintext coordinator that checks no one")
    args = parser.parse_args(argv)
    if bool(args.cert) != bool(args.key):
        parser.error("--cert and --key go together")
    token = os.environ.get(args.token_env)
    if args.token_file:
        with open(args.token_file, encoding="utf-8") as f:
            token = f.read().strip()

    if token and not private_channel(args.url):
        print(f"refused: a bearer token is not sent over plain http to {args.url}; use the coordinator's https "
              "address (or http on this machine's loopback only)", file=sys.stderr)
        return 2

    federation = Federation(args.url, cert=args.cert, key=args.key, ca=args.ca, token=token, user=args.user)
    try:
        nodes = federation.nodes()
        print(f"nodes: {len(nodes)}")
        for node in nodes:
            state = "up" if node["reachable"] else "DOWN"
            print(f"  {node['nodeId']}: {state}, {node['link']}, datasets: {', '.join(node['datasets']) or '-'}")

        count = federation.analyse(args.dataset, {"count": {}}, project=args.project)
        print(f"count of {args.dataset}:")
        print(sites(count))
        result = pooled(count)
        if result is not None:
            print(f"  count = {number(result['count']['count'])}")

        summary = federation.analyse(args.dataset, {"summary": {"variable": args.variable}}, project=args.project)
        print(f"summary of {args.variable}:")
        print(sites(summary))
        result = pooled(summary)
        if result is not None:
            s = result["summary"]
            print(f"  n = {number(s['n'])}, missing = {number(s['missing'])}, mean = {number(s['mean']):.10g}, "
                  f"variance = {number(s['variance']):.10g}")

        if args.formula:
            glm = federation.analyse(args.dataset, {"glm": {"formula": args.formula, "family": args.family}},
                                     project=args.project)
            print(f"glm {args.formula} ({args.family.lower()}):")
            print(sites(glm))
            result = pooled(glm)
            if result is not None:
                fit = result["modelFit"]
                print(f"  n = {number(fit['n'])}, iterations = {fit['iterations']}, converged = {fit['converged']}, "
                      f"deviance = {number(fit['deviance']):.10g}")
                print(f"  {'term':<16} {'estimate':>16} {'std error':>16} {fit['statisticName']:>10} {'p':>12}")
                for c in fit["coefficients"]:
                    print(f"  {c['term']:<16} {number(c['estimate']):>16.10g} {number(c['stdError']):>16.10g} "
                          f"{number(c['statistic']):>10.4f} {number(c['pValue']):>12.4g}")
    except ApiError as e:
        print(f"refused: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        # URLError included: no connection, or a TLS handshake refused (e.g. no certificate where one is needed).
        print(f"cannot reach the coordinator at {args.url}: {getattr(e, 'reason', e)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
