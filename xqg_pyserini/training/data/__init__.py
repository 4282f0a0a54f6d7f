"""Training data for the retriever, three ways, all as ``TrainingExample`` lists.

* :mod:`.tevatron`: Tevatron's JSONL(.gz) format, read as a stream and written
  atomically; :mod:`.sources`: the named sets (``Tevatron/xor-tydi``,
  ``Tevatron/wikipedia-nq``) and :func:`~.sources.load_training_data`, which
  takes a name or a path;
* :mod:`.mine`: questions of an ir_datasets split, their positives (qrels, or
  passages holding an answer) and hard negatives mined from a run
  (``python -m xqg_pyserini.train mine``);
* :mod:`.synthetic`: generated questions paired with their passages, with
  random negatives;

and :mod:`.parallel`, parallel questions for distillation. :mod:`.files` holds
what the readers and writers share. See docs/training_data.md. Importing this
package imports none of its modules.
"""
