# `sam build` runs the target build-<LogicalId> for functions with `BuildMethod: makefile`
# (template.yaml). aws-lambda-builders (workflows/custom_make) runs make in a scratch copy of the
# repository with ARTIFACTS_DIR set and the caller's environment (so npm and node from PATH).
# The copy keeps node_modules if present; `npm ci` replaces it with the lockfile's exact
# dependencies, dev ones included (esbuild), so the deployed bundle is the one `npm test` builds.
.PHONY: build-RuleFunction

build-RuleFunction:
	npm ci --include=dev --no-audit --no-fund
	npm run build
	cp dist/handler.js "$(ARTIFACTS_DIR)/handler.js"
