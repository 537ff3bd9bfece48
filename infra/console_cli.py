"""Publish the staff console (console/) to a deployed stack: its bucket, then a CloudFront invalidation.

`complaintdesk publish-console --stack-name NAME` reads the stack's outputs (ConsoleBucketName,
ConsoleDistributionId, ApiUrl, UserPoolClientId, SignInDomain, and ConsoleAllowedOrigin: the
distribution's own address unless the ConsoleOrigin parameter names a custom domain), then, in order:
1. uploads every file of console/ with its Content-Type (the same map `make run` serves with),
   each with ``Cache-Control: no-cache`` (there is no build step to fingerprint file names, so
   browsers revalidate by ETag and a publish is seen at once);
2. writes config.json: the API's URL and the hosted sign-in (authorization code + PKCE) with the
   console's origin as redirect and logout URI — the app client's registered callback;
3. deletes objects no longer in console/ (the bucket is versioned: they stay recoverable 30 days);
4. invalidates ``/*`` on the distribution, so CloudFront's edge caches drop the old files.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path
from typing import Any

from infra.local.console import CONSOLE_DIR, content_type

REQUIRED_OUTPUTS = (
    "ConsoleBucketName",
    "ConsoleDistributionId",
    "ApiUrl",
    "UserPoolClientId",
    "SignInDomain",
)
CACHE_CONTROL = "no-cache"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack-name", required=True, help="the deployed stack (DeployConsole=true)")
    parser.add_argument(
        "--origin",
        help="the console's origin (default: the stack's ConsoleAllowedOrigin output, the registered callback)",
    )
    parser.add_argument(
        "--source", type=Path, default=CONSOLE_DIR, help="the folder to publish (default: console/)"
    )
    from infra.cli import add_aws_arguments

    add_aws_arguments(parser)


def console_files(source: Path) -> list[tuple[str, Path]]:
    """(key, path) of every file to upload: index.html last, so a browser never gets a new page
    that names files not uploaded yet. Dot-files and a stray config.json are left out."""
    files = [
        (path.relative_to(source).as_posix(), path)
        for path in sorted(source.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(source).parts)
    ]
    files = [(key, path) for key, path in files if key != "config.json"]
    return sorted(files, key=lambda item: item[0] == "index.html")


def hosted_config(outputs: dict[str, str], origin: str, region: str) -> dict[str, Any]:
    return {
        "api_url": outputs["ApiUrl"],
        "region": region,
        "auth": {
            "mode": "hosted-ui",
            "domain": outputs["SignInDomain"],
            "client_id": outputs["UserPoolClientId"],
            "redirect_uri": f"{origin}/",
            "logout_uri": f"{origin}/",
        },
    }


def _stack(session: Any, stack_name: str) -> dict[str, Any]:
    from botocore.exceptions import ClientError

    try:
        return dict(session.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0])
    except ClientError as error:
        raise SystemExit(
            f"complaintdesk: stack {stack_name!r} not found in {session.region_name} "
            f"({error.response['Error'].get('Message', 'no such stack')})"
        ) from None


def publish(session: Any, outputs: dict[str, str], origin: str, source: Path = CONSOLE_DIR) -> dict[str, Any]:
    """Uploads, writes config.json, prunes, invalidates; returns what it did."""
    s3 = session.client("s3")
    bucket = outputs["ConsoleBucketName"]
    uploaded: list[str] = []
    for key, path in console_files(source):
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=path.read_bytes(),
            ContentType=content_type(path),
            CacheControl=CACHE_CONTROL,
        )
        uploaded.append(key)
    config = hosted_config(outputs, origin, session.region_name)
    s3.put_object(
        Bucket=bucket,
        Key="config.json",
        Body=json.dumps(config, indent=2).encode(),
        ContentType=content_type("config.json"),
        CacheControl=CACHE_CONTROL,
    )
    keep = {*uploaded, "config.json"}
    stale = [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for item in page.get("Contents", [])
        if item["Key"] not in keep
    ]
    for start in range(0, len(stale), 1000):
        s3.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": k} for k in stale[start : start + 1000]]}
        )
    invalidation = session.client("cloudfront").create_invalidation(
        DistributionId=outputs["ConsoleDistributionId"],
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": uuid.uuid4().hex},
    )["Invalidation"]
    return {"uploaded": uploaded, "deleted": stale, "config": config, "invalidation": invalidation["Id"]}


def run(args: argparse.Namespace) -> int:
    from infra.cli import aws_session

    session = aws_session(args)
    stack = _stack(session, args.stack_name)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    missing = [key for key in REQUIRED_OUTPUTS if key not in outputs]
    if missing:
        print(
            f"complaintdesk: stack {args.stack_name!r} has no {', '.join(missing)} output "
            "(deploy it with DeployConsole=true)",
            file=sys.stderr,
        )
        return 2
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
    origin = (
        args.origin
        or outputs.get("ConsoleAllowedOrigin")
        or parameters.get("ConsoleOrigin")  # a stack deployed before the output existed
        or outputs.get("ConsoleUrl", "")
    ).rstrip("/")
    if not origin:
        print("complaintdesk: no console origin: pass --origin", file=sys.stderr)
        return 2
    done = publish(session, outputs, origin, args.source)
    print(f"uploaded {len(done['uploaded'])} files and config.json to s3://{outputs['ConsoleBucketName']}/")
    if done["deleted"]:
        print(f"deleted {len(done['deleted'])} files no longer in the console: {', '.join(done['deleted'])}")
    print(
        f"invalidation {done['invalidation']} on {outputs['ConsoleDistributionId']} (a few minutes at the edges)"
    )
    console_url = outputs.get("ConsoleUrl")
    if console_url and origin != console_url.rstrip("/"):
        print(
            f"note: the console is served at {console_url} but the stack's console origin is {origin}: "
            f"sign-in comes back to {origin}/ and the API allows only that origin (alias {origin} to the "
            "distribution, or deploy with ConsoleOrigin empty to use the distribution's own address)"
        )
    else:
        print(f"open {origin}/")
    return 0
