"""The ingest stage: sources -> ``Document`` records. Knows formats, nothing about NLP.

``registry`` chooses a reader per media type; ``readers/`` holds one small module
per format; ``sources`` expands paths, globs, folders, URLs and feeds into inputs;
``fetch`` downloads URLs safely; ``run`` drives a batch into the store;
``reanalyse`` runs the analyser again on stored documents.
"""
