"""A stand-in classifier for tests that run Heard in processes of their own: imported before
the app starts, it registers `test-keyword`, which answers at once (no model to load) and
flags any text that says "hits me"."""

import classifiers
from classifiers import Prediction


@classifiers.register("test-keyword")
class KeywordClassifier:
    version = "test-keyword-1"

    def predict(self, text: str, channel: str | None = None) -> Prediction:
        flagged = "hits me" in text.lower()
        return Prediction(
            model_version=self.version,
            themes=["communication"] if "ring" in text.lower() else [],
            safeguarding=flagged,
            scores={"safeguarding": 0.95 if flagged else 0.02},
            evidence=["hits me"] if flagged else [],
            safeguarding_types=["physical_abuse"] if flagged else [],
        )
