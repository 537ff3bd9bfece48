"""Delete a deployed stage so that nothing of it is left, and it can be deployed again.

    complaintdesk teardown --stack-name desk-dev --yes [--keep-data] [--region R] [--profile P]

In order:
1. the category state machines the stage created at run time (CloudFormation does not know them):
   every state machine named ``<StateMachinePrefix>-*`` that runs as the stack's WorkflowRole
   (a longer stage name sharing the prefix has another role, so it is never touched);
2. the Lambda functions' log groups (Lambda creates them at first run, outside the stack);
3. the stack itself, waiting until it is gone (SES stops storing mail with its receipt rule);
4. unless --keep-data: what the stack retains on purpose — the mail bucket (every object version
   and delete marker first) and the tickets table.

The signing secret and the topics' key are deleted by CloudFormation with their recovery windows
(Secrets Manager 30 days, KMS 7 days); their names are generated, so a new deploy never meets them.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from infra.cli import add_aws_arguments, aws_session, stack_outputs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack-name", required=True, help="the deployed stack to delete")
    parser.add_argument(
        "--yes", action="store_true", help="really delete (without it: only list what would go)"
    )
    parser.add_argument(
        "--keep-data", action="store_true", help="keep the mail bucket and the tickets table (retained)"
    )
    add_aws_arguments(parser)


def stage_state_machines(sfn: Any, prefix: str, workflow_role_arn: str) -> list[str]:
    """ARNs of the state machines this stage published: name ``prefix-…`` and role WorkflowRole."""
    found = []
    for page in sfn.get_paginator("list_state_machines").paginate():
        for machine in page["stateMachines"]:
            if not machine["name"].startswith(f"{prefix}-"):
                continue
            described = sfn.describe_state_machine(stateMachineArn=machine["stateMachineArn"])
            if described["roleArn"] == workflow_role_arn:
                found.append(machine["stateMachineArn"])
    return found


def empty_bucket(s3: Any, bucket: str) -> int:
    """Delete every object version and delete marker (a versioned bucket is empty only then)."""
    deleted = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        keys = [
            {"Key": item["Key"], "VersionId": item["VersionId"]}
            for item in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        for start in range(0, len(keys), 1000):
            batch = keys[start : start + 1000]
            result = s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
            if result.get("Errors"):
                first = result["Errors"][0]
                raise SystemExit(
                    f"complaintdesk: could not delete s3://{bucket}/{first['Key']}: {first['Message']}"
                )
            deleted += len(batch)
    return deleted


def _function_log_groups(cloudformation: Any, stack_name: str) -> list[str]:
    names = []
    for page in cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack_name):
        for resource in page["StackResourceSummaries"]:
            if resource["ResourceType"] == "AWS::Lambda::Function" and resource.get("PhysicalResourceId"):
                names.append(f"/aws/lambda/{resource['PhysicalResourceId']}")
    return names


def _exists(call: Any, missing: tuple[str, ...]) -> bool:
    from botocore.exceptions import ClientError

    try:
        call()
    except ClientError as error:
        if error.response["Error"]["Code"] in missing:
            return False
        raise
    return True


def run(args: argparse.Namespace) -> int:
    session = aws_session(args)
    outputs = stack_outputs(session, args.stack_name)
    needed = ("StateMachinePrefix", "WorkflowRoleArn", "MailBucketName", "TicketsTableName")
    missing = [key for key in needed if key not in outputs]
    if missing:
        print(
            f"complaintdesk: {args.stack_name} has no output(s) {', '.join(missing)}; is it a complaintdesk stack?",
            file=sys.stderr,
        )
        return 2
    cloudformation, sfn = session.client("cloudformation"), session.client("stepfunctions")
    logs, s3, dynamodb = session.client("logs"), session.client("s3"), session.client("dynamodb")
    machines = stage_state_machines(sfn, outputs["StateMachinePrefix"], outputs["WorkflowRoleArn"])
    log_groups = _function_log_groups(cloudformation, args.stack_name)
    bucket, table = outputs["MailBucketName"], outputs["TicketsTableName"]

    print(f"Stack {args.stack_name} in {session.region_name}:")
    print(f"  {len(machines)} category state machine(s) named {outputs['StateMachinePrefix']}-*")
    print(f"  {len(log_groups)} function log group(s)")
    print(f"  the stack, then {'keeping' if args.keep_data else 'deleting'} s3://{bucket} and table {table}")
    if not args.yes:
        print("Nothing deleted: run again with --yes.")
        return 1

    for arn in machines:
        sfn.delete_state_machine(stateMachineArn=arn)
    for name in log_groups:
        if _exists(lambda n=name: logs.delete_log_group(logGroupName=n), ("ResourceNotFoundException",)):
            print(f"deleted log group {name}")
    print(f"deleted {len(machines)} state machine(s)")

    cloudformation.delete_stack(StackName=args.stack_name)
    print(f"deleting stack {args.stack_name} ...")
    cloudformation.get_waiter("stack_delete_complete").wait(
        StackName=args.stack_name, WaiterConfig={"Delay": 10, "MaxAttempts": 180}
    )
    print(f"deleted stack {args.stack_name}")

    if args.keep_data:
        print(f"kept s3://{bucket} (versioned) and table {table}: they are no longer part of any stack")
        return 0
    if _exists(lambda: s3.head_bucket(Bucket=bucket), ("404", "NoSuchBucket", "NotFound")):
        count = empty_bucket(s3, bucket)
        s3.delete_bucket(Bucket=bucket)
        print(f"deleted s3://{bucket} ({count} object version(s) and delete marker(s))")
    if _exists(lambda: dynamodb.delete_table(TableName=table), ("ResourceNotFoundException",)):
        dynamodb.get_waiter("table_not_exists").wait(TableName=table)
        print(f"deleted table {table}")
    return 0
