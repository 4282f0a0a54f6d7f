"""The retriever (xDR) trainer: Tevatron's recipe on the Hugging Face Trainer.

``groups`` draws each query's passages per epoch as Tevatron does; ``loss``
is the contrastive cross-entropy over every passage of the batch;
``grad_cache`` computes the same loss and gradients in chunks; ``trainer``
holds the Hugging Face Trainer subclass; ``output`` the files a trained model
directory carries; ``run`` puts them together (work directory, resume, the
finished model renamed into place).
"""
