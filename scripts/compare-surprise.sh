#!/usr/bin/env bash
# 5-fold RMSE/MAE of StreamRec's biased MF next to Surprise's SVD on the same
# MovieLens u.data file, with the same defaults (100 factors, 20 epochs,
# lr 0.005, reg 0.02). Installs scikit-surprise with pip if missing.
#
#   scripts/compare-surprise.sh [path/to/u.data]
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data/movielens-100k/u.data}
python3 -c "import surprise" 2>/dev/null || pip install -q scikit-surprise
swift build -c release --product streamrec >/dev/null
"$(swift build -c release --show-bin-path)/streamrec" evaluate "$DATA" --protocol kfold --folds 5 --no-progress
python3 - "$DATA" <<'PY'
import sys
from surprise import SVD, Dataset, Reader
from surprise.model_selection import cross_validate
data = Dataset.load_from_file(sys.argv[1], reader=Reader(line_format="user item rating timestamp", sep="\t"))
result = cross_validate(SVD(random_state=0), data, measures=["RMSE", "MAE"], cv=5, verbose=False)
print("surprise SVD: rmse %.4f  mae %.4f  (folds: %s)" % (result["test_rmse"].mean(), result["test_mae"].mean(),
      ", ".join("%.4f" % x for x in result["test_rmse"])))
PY
