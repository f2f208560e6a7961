"""Ask a person: an owner leaves a question for the help desk, staff answer it, the answer reaches the owner.

:mod:`bot.questions.models` is the record and its pure transitions (answer, claim and mark a
delivery), :mod:`bot.questions.asking` the owner's side of leaving a question in a text channel
(trigger words, consent), :mod:`bot.questions.citations` the FAQ citations staff attach,
:mod:`bot.questions.service` the glue to the store, :mod:`bot.questions.delivery` the Telegram
delivery of answers. The store keeps questions next to the assessment records
(:mod:`bot.store.questions`).
"""
