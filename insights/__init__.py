"""The maintainers' tools over the stored conversations (issue 15): the insights report and the review inbox.

    python -m insights report    the HTML report (plots embedded) and the same numbers as JSON (`make report`)
    python -m insights review    the inbox of missed and unsure questions in the terminal (`make review`)

One module per job: ``store`` reads the tracker store's events table, ``turns`` turns events into user turns
and questionnaire runs, ``aggregate`` counts (pure), ``grouping`` puts similar questions together, ``masking``
hides e-mail addresses and phone numbers, ``render`` writes the HTML, ``review`` and ``review_file`` are the
inbox and the lines it appends. ``channels/insights_report.py`` serves the written report.
"""
