"""The evaluation core: one place that measures how well the assistant understands.

`make eval` (full report against the baselines, with cross-validation), `make heldout` (the floors that
`make test` enforces) and the README's numbers all come from this package, from the same predictions:

- `evaluation.sets`: test sets (Rasa NLU YAML, one folder per set, e.g. tests/heldout) and training examples;
- `evaluation.predict`: predictions of a trained model through the pipeline as served (`Agent.load`);
- `evaluation.metrics`: the measures, pure functions of gold labels and predictions;
- `evaluation.floors`: the floors of tests/heldout_floors.yml and their check;
- `evaluation.baselines`: the systems we compare against (rasa init default, TF-IDF + LogReg, safety net off);
- `evaluation.crossval`: k-fold cross-validation of our pipeline on the training data;
- `evaluation.report`: markdown, JSON, CSV and confusion-matrix reports;
- `evaluation.models` / `evaluation.runtime`: training the models when stale, Rasa's environment and logging.

Run it as `python -m evaluation report|floors [--sets DIR ...]` from the repository root.
"""
