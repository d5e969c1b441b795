#!/usr/bin/env bash
# Installs the reference implementations our figures are checked against (PyPI) into a
# virtual environment: `shap`, `scikit-learn` and `pandas` (with numpy). Idempotent; prints the
# environment's python. Settings: REFERENCE_VENV (default target/reference-venv).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv=${REFERENCE_VENV:-$root/target/reference-venv}
want="shap==0.51.0 scikit-learn==1.9.1 pandas==3.1.1"
if ! "$venv/bin/python" -c 'import shap, sklearn, pandas, sys; sys.exit(shap.__version__ != "0.51.0" or sklearn.__version__ != "1.9.1" or pandas.__version__ != "3.1.1")' 2>/dev/null; then
  echo "installing $want into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check $want >&2
fi
echo "$venv/bin/python"
