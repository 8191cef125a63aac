"""Runs the SAM translator (the samtranslator package cfn-lint ships with) on one template file.

Usage: python3 sam-translate.py TEMPLATE
Prints the transformed CloudFormation template as JSON, or exits 1 with the translator's errors.
CodeUri is first replaced by an S3 location, as `sam package` does before CloudFormation's
transform sees the template; nothing else is changed.
"""
import json
import os
import sys

from cfnlint.decode import decode_str
from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform


class NoManagedPolicies:
    """The template names no managed policies; a lookup would mean a policy template sneaked in."""

    def load(self):
        raise RuntimeError("the translator asked for managed policies: the template uses SAM policy templates")


def main(path):
    # CloudFormation runs the transform in the stack's Region; the translator reads it from boto3.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with open(path, encoding="utf-8") as handle:
        template, matches = decode_str(handle.read())
    if matches:
        print("\n".join(str(match) for match in matches), file=sys.stderr)
        return 1
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://sam-package-bucket/rule-function.zip"
    try:
        output = transform(template, {}, NoManagedPolicies())
    except InvalidDocumentException as error:
        print("\n".join(str(cause) for cause in error.causes), file=sys.stderr)
        return 1
    json.dump(output, sys.stdout, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
