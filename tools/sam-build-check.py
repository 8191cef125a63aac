"""Runs the build `sam build` runs for RuleFunction, offline, with SAM's own build library.

SAM CLI hands each function to aws-lambda-builders (LambdaBuilder.build). This script calls that
library the way SAM CLI's ApplicationBuilder does for template.yaml's function, without SAM CLI,
Docker or AWS, and compares the artifact with the bundle `npm run build` writes.

Usage (aws-lambda-builders is not a project dependency: point at a source checkout of it):
  PYTHONPATH=/path/to/aws-lambda-builders python3 tools/sam-build-check.py SOURCE_DIR [makefile|esbuild]

SOURCE_DIR is a clean clone after `npm ci` (the README's setup). `makefile` is what template.yaml
uses; `esbuild` reproduces SAM's esbuild method (BuildMethod: esbuild) for comparison.
"""
import hashlib
import os
import sys
import tempfile

from aws_lambda_builders import __version__ as builders_version
from aws_lambda_builders.builder import LambdaBuilder


def sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def main(source_dir, method):
    source_dir = os.path.abspath(source_dir)
    print(f"aws-lambda-builders {builders_version}, method {method}, source {source_dir}")
    with tempfile.TemporaryDirectory() as artifacts, tempfile.TemporaryDirectory() as scratch:
        if method == "makefile":
            # SAM CLI: workflow_config.get_workflow_config -> PROVIDED_MAKE_CONFIG for BuildMethod
            # makefile; ApplicationBuilder._get_build_options -> {"build_logical_id": <LogicalId>}.
            builder = LambdaBuilder(language="provided", dependency_manager=None, application_framework=None)
            manifest = os.path.join(source_dir, "Makefile")
            options = {"build_logical_id": "RuleFunction"}
        else:
            # SAM CLI: NODEJS_NPM_ESBUILD_CONFIG; options are the Metadata BuildProperties.
            builder = LambdaBuilder(language="nodejs", dependency_manager="npm-esbuild", application_framework=None)
            manifest = os.path.join(source_dir, "package.json")
            options = {"entry_points": ["src/handler.ts"], "format": "cjs", "target": "node24", "minify": True}
        builder.build(
            source_dir,
            artifacts,
            scratch,
            manifest,
            runtime="nodejs24.x",
            options=options,
            architecture="arm64",
        )
        artifact = os.path.join(artifacts, "handler.js")
        print("artifacts:", sorted(os.listdir(artifacts)))
        print("artifact handler.js sha256:", sha256(artifact))
        built = os.path.join(source_dir, "dist", "handler.js")
        if os.path.exists(built):
            print("npm run build dist/handler.js sha256:", sha256(built))
            print("identical:", sha256(artifact) == sha256(built))
            return 0 if sha256(artifact) == sha256(built) else 1
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "makefile"))
